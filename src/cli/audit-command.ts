// `kube-ai-sre audit verify | export`: checks the hash chain (and, with checkpoints taken outside
// Redis, that it was not rewritten), or prints the entries an auditor asks for as JSON lines or CSV.
import { parseArgs } from 'node:util';
import { RedisAuditLog } from '../adapters/redis/audit-log.ts';
import { connectRedis } from '../adapters/redis/connection.ts';
import type { RedisTarget } from '../adapters/redis/redis-target.ts';
import { parseCheckpointArg, type AuditCheckpoint } from '../core/audit/checkpoint.ts';
import { parseAuditFilter, type AuditFilter } from '../core/audit/filter.ts';
import { isAppError } from '../core/errors.ts';
import type { Clock } from '../ports.ts';
import { systemClock } from '../ports.ts';
import { auditExport, auditVerify, type AuditExportFormat } from '../usecases/audit-commands.ts';
import type { SlackCheckpoints } from '../adapters/slack/audit-witness.ts';
import { EXIT, exitCodeFor, exitCodeForAuditVerify } from './exit-codes.ts';
import { AUDIT_USAGE } from './audit-usage.ts';

export { AUDIT_USAGE };


export interface AuditCommandDeps {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** REDIS_URL, or the Redis Sentinel target (REDIS_SENTINELS/REDIS_SENTINEL_MASTER). */
  redisUrl: string | RedisTarget;
  keyPrefix: string;
  clock?: Clock;
  /** Slack settings from the environment, for --against-slack. */
  slack?: { botToken?: string | undefined; channel?: string | undefined; apiUrl?: string | undefined };
  /** Reads the checkpoints the bot posted; the Slack adapter by default. */
  readSlackCheckpoints?: (opts: { botToken: string; channel: string; apiUrl?: string | undefined }) => Promise<SlackCheckpoints>;
}

type Parsed =
  | { sub: 'verify'; againstSlack: boolean; checkpoints: AuditCheckpoint[] }
  | { sub: 'export'; filter: AuditFilter; format: AuditExportFormat };

function parse(argv: string[], now: Date): Parsed | { problems: string[] } {
  const [sub, ...rest] = argv;
  if (sub !== 'verify' && sub !== 'export') return { problems: [sub ? `unknown audit subcommand "${sub.slice(0, 40)}"` : 'audit needs a subcommand'] };
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({
      args: rest,
      strict: true,
      allowPositionals: false,
      options: sub === 'verify'
        ? { 'against-slack': { type: 'boolean' }, checkpoint: { type: 'string', multiple: true } }
        : {
            since: { type: 'string' }, until: { type: 'string' }, incident: { type: 'string' },
            actor: { type: 'string' }, action: { type: 'string' }, format: { type: 'string' },
          },
    }));
  } catch (err) {
    return { problems: [(err as Error).message] };
  }
  if (sub === 'verify') {
    const checkpoints: AuditCheckpoint[] = [];
    const problems: string[] = [];
    for (const arg of (values.checkpoint as string[] | undefined) ?? []) {
      const cp = parseCheckpointArg(arg);
      if ('problem' in cp) problems.push(cp.problem);
      else checkpoints.push(cp);
    }
    return problems.length ? { problems } : { sub, againstSlack: values['against-slack'] === true, checkpoints };
  }
  const format = (values.format as string | undefined) ?? 'jsonl';
  const problems: string[] = [];
  if (format !== 'jsonl' && format !== 'csv') problems.push(`--format "${format.slice(0, 20)}": use jsonl or csv`);
  const filter = parseAuditFilter(values as Record<string, string | undefined>, now);
  if (!filter.ok) problems.push(...filter.problems);
  if (problems.length > 0 || !filter.ok) return { problems };
  return { sub, filter: filter.filter, format: format as AuditExportFormat };
}

export async function runAuditCommand(argv: string[], deps: AuditCommandDeps): Promise<number> {
  const clock = deps.clock ?? systemClock;
  const parsed = parse(argv, clock.now());
  if ('problems' in parsed) {
    deps.stderr(`${parsed.problems.map((p) => `error: ${p}`).join('\n')}\nusage:\n${AUDIT_USAGE}`);
    return EXIT.usage;
  }

  // The witness is read before Redis: a Slack problem is reported as such, without touching the chain.
  const checkpoints = parsed.sub === 'verify' ? [...parsed.checkpoints] : [];
  const sources: string[] = parsed.sub === 'verify' && parsed.checkpoints.length > 0 ? [`given with --checkpoint`] : [];
  if (parsed.sub === 'verify' && parsed.againstSlack) {
    const token = deps.slack?.botToken;
    const channel = deps.slack?.channel;
    if (!token || !channel) {
      deps.stderr(`error: --against-slack needs SLACK_BOT_TOKEN and the channel checkpoints are posted to (AUDIT_CHANNEL_ID, else SLACK_CHANNEL_ID)`);
      return EXIT.usage;
    }
    let read: SlackCheckpoints;
    try {
      const reader = deps.readSlackCheckpoints ?? (await import('../adapters/slack/audit-witness.ts')).readSlackCheckpoints;
      read = await reader({ botToken: token, channel, apiUrl: deps.slack?.apiUrl });
    } catch (err) {
      const code = isAppError(err) ? String(err.details?.error ?? err.code) : 'unknown_error';
      deps.stderr(`error: could not read checkpoints from Slack channel ${channel} (${code}): ${err instanceof Error ? err.message : String(err)}`);
      return EXIT.slackUnavailable;
    }
    if (read.edited.length > 0) {
      deps.stderr(`audit witness TAMPERED: ${read.edited.length} checkpoint message${read.edited.length === 1 ? ' was' : 's were'} edited after posting in Slack channel ${channel} (the bot never edits them): ${read.edited.map((c) => `seq ${c.seq} ${c.source ?? ''}`.trim()).join('; ')}`);
      return EXIT.auditBroken;
    }
    if (read.foreign > 0) deps.stderr(`note: ignored ${read.foreign} checkpoint-like message${read.foreign === 1 ? '' : 's'} not posted by the bot`);
    if (read.truncated) deps.stderr(`note: read the newest ${read.scanned} messages of ${channel} only; older checkpoints were not checked`);
    if (read.checkpoints.length === 0) {
      deps.stderr(`note: no audit checkpoint found in Slack channel ${channel} (${read.scanned} messages read): there is nothing outside Redis to compare the chain with yet`);
    }
    checkpoints.push(...read.checkpoints);
    sources.push(`read from Slack channel ${channel}`);
  }

  let redis;
  try {
    redis = await connectRedis(deps.redisUrl, 'store');
  } catch (err) {
    deps.stderr(`error: ${(err as Error).message}`);
    return isAppError(err) ? exitCodeFor(err.code) : EXIT.redisUnavailable;
  }
  try {
    const audit = new RedisAuditLog(redis, deps.keyPrefix);
    if (parsed.sub === 'verify') {
      const result = await auditVerify(audit, { checkpoints, ...(sources.length ? { checkpointSource: sources.join(' and ') } : {}) });
      (result.outcome === 'intact' ? deps.stdout : deps.stderr)(result.message);
      return exitCodeForAuditVerify(result.outcome);
    }
    const { count } = await auditExport(audit, (line) => deps.stdout(line.replace(/\n$/, '')), { filter: parsed.filter, format: parsed.format });
    if (count === 0 && Object.keys(parsed.filter).length > 0) deps.stderr('note: no entry matches the filters');
    return EXIT.ok;
  } finally {
    redis.disconnect();
  }
}
