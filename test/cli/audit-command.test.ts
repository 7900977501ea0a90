// `kube-ai-sre audit verify | export` as an operator runs them, against the real Redis.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { RedisAuditLog } from '../../src/adapters/redis/audit-log.ts';
import { connectRedis } from '../../src/adapters/redis/connection.ts';
import { deleteKeysUnder, SHARED_REDIS_URL, uniquePrefix } from '../support/redis-keys.ts';
import { runCli } from '../support/run-cli.ts';
import { webApi } from '@slack/bolt';
import { checkpointText } from '../../src/core/audit/checkpoint.ts';
import { loadTrail, oldTrailRows, rewriteChain } from '../support/audit-trail.ts';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack/index.ts';

describe('kube-ai-sre audit', () => {
  let redis: Redis;
  const prefix = uniquePrefix('cli-audit');
  const env = { REDIS_URL: SHARED_REDIS_URL, KEY_PREFIX: prefix };

  beforeAll(async () => {
    redis = await connectRedis(SHARED_REDIS_URL, 'store');
    const log = new RedisAuditLog(redis, prefix);
    await log.append({ actor: 'system', action: 'incident_posted', incidentId: 'oom-1', outcome: 'posted', verdict: { allowed: true, policyName: 'default' }, recommendation: { limit: '176Mi' } });
    await log.append({ actor: 'U0SREALICE', action: 'decision', incidentId: 'oom-1', outcome: 'approved' });
    await log.append({ actor: 'U0SREMALLORY', action: 'decision_refused', incidentId: 'oom-1', outcome: 'refused: not an approver' });
  });
  afterAll(async () => {
    await deleteKeysUnder(redis, prefix);
    redis.disconnect();
  });

  it('exports every entry as JSON lines, oldest first', async () => {
    const res = await runCli(['audit', 'export'], env);
    expect(res.code).toBe(0);
    const lines = res.stdout.trim().split('\n').map((l) => JSON.parse(l) as { seq: number; action: string; hash: string; prevHash: string });
    expect(lines.map((l) => [l.seq, l.action])).toEqual([[1, 'incident_posted'], [2, 'decision'], [3, 'decision_refused']]);
    expect(lines[1]!.prevHash).toBe(lines[0]!.hash);
  });

  it('verifies an intact chain (exit 0), then fails (exit 9) once an entry is altered', async () => {
    const ok = await runCli(['audit', 'verify'], env);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/intact/i);

    // Someone with Redis access turns the approval into a rejection, keeping the stream id.
    const [[id, fields]] = (await redis.xrange(`${prefix}audit`, '-', '+', 'COUNT', 2)).slice(1) as Array<[string, string[]]>;
    const i = fields.indexOf('entry') + 1;
    const edited = [...fields];
    edited[i] = edited[i]!.replace('"approved"', '"rejected"');
    const all = await redis.xrange(`${prefix}audit`, '-', '+');
    await redis.del(`${prefix}audit`);
    for (const [rowId, rowFields] of all) await redis.xadd(`${prefix}audit`, rowId, ...(rowId === id ? edited : rowFields));

    const broken = await runCli(['audit', 'verify'], env);
    expect(broken.code).toBe(9);
    expect(broken.stderr).toMatch(/entry|index|modified/i);
  });

  it('says how to use it and exits 2 on a wrong subcommand', async () => {
    const res = await runCli(['audit', 'frobnicate'], env);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/kube-ai-sre audit verify/);
  });

  it('exits 10 with one line when Redis is unreachable', async () => {
    const res = await runCli(['audit', 'verify'], { REDIS_URL: 'redis://127.0.0.1:1', KEY_PREFIX: prefix });
    expect(res.code).toBe(10);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('kube-ai-sre audit on a trail written before subjects', () => {
  let redis: Redis;
  const prefix = uniquePrefix('cli-audit-old');
  const env = { REDIS_URL: SHARED_REDIS_URL, KEY_PREFIX: prefix };

  beforeAll(async () => {
    redis = await connectRedis(SHARED_REDIS_URL, 'store');
    await loadTrail(redis, prefix, oldTrailRows());
  });
  afterAll(async () => {
    await deleteKeysUnder(redis, prefix);
    redis.disconnect();
  });

  it('verifies it (exit 0), and keeps verifying once new entries follow it', async () => {
    const res = await runCli(['audit', 'verify'], env);
    expect([res.code, res.stdout.trim()]).toEqual([0, `audit trail intact: ${oldTrailRows().length} entries verified`]);
    await new RedisAuditLog(redis, prefix).append({
      actor: 'U0SREALICE', actorName: 'Alice M.', action: 'decision', incidentId: 'oom-new', outcome: 'approved',
      subject: { namespace: 'demo', workload: { kind: 'Deployment', name: 'checkout' }, container: 'app' },
    });
    expect((await runCli(['audit', 'verify'], env)).code).toBe(0);
  });

  it('exports it as CSV with empty subject columns, filtered by incident, actor and action', async () => {
    const res = await runCli(['audit', 'export', '--format', 'csv', '--incident', 'oom-c4bc19e2-m7x0y1a2', '--action', 'decision'], env);
    expect(res.code).toBe(0);
    const [header, ...rows] = res.stdout.trim().split('\n');
    expect(header).toMatch(/^seq,at,action,outcome,actor,actor_name,cluster,namespace,/);
    expect(rows.map((r) => r.split(',').slice(2, 8))).toEqual([['decision', 'approved', 'U0SREALICE', '', '', '']]);
    const byActor = await runCli(['audit', 'export', '--actor', 'u0sremallory'], env);
    expect(byActor.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { outcome: string }).outcome)).toEqual(['refused: not an approver']);
  });
});

describe('kube-ai-sre audit export filters', () => {
  let redis: Redis;
  const prefix = uniquePrefix('cli-audit-export');
  const env = { REDIS_URL: SHARED_REDIS_URL, KEY_PREFIX: prefix };
  let at = Date.parse('2025-03-04T09:00:00Z');

  beforeAll(async () => {
    redis = await connectRedis(SHARED_REDIS_URL, 'store');
    const log = new RedisAuditLog(redis, prefix, { now: () => new Date((at += 3_600_000)) });
    const subject = (name: string) => ({ cluster: 'prod-eu', namespace: 'shop', workload: { kind: 'Deployment', name }, container: 'app', kind: 'OOMKilled', family: 'memory', fingerprint: `fp-${name}` });
    await log.append({ actor: 'system', action: 'incident_posted', incidentId: 'oom-a', subject: subject('checkout'), outcome: 'posted' });
    await log.append({ actor: 'U0SREALICE', actorName: 'Alice Martin', action: 'decision', incidentId: 'oom-a', subject: subject('checkout'), outcome: 'approved', verdict: { allowed: true, policyName: 'default' }, recommendation: { limit: '176Mi' } });
    await log.append({ actor: 'U0SREBOB', actorName: 'Bob Chen', action: 'decision', incidentId: 'oom-b', subject: subject('ledger'), outcome: 'rejected', details: { reason: 'fix, "soon"' } });
  });
  afterAll(async () => {
    await deleteKeysUnder(redis, prefix);
    redis.disconnect();
  });

  it('filters by time window, actor name and action, as JSON lines or CSV', async () => {
    const window = await runCli(['audit', 'export', '--since', '2025-03-04T11:00:00Z', '--until', '2025-03-04T12:00:00Z'], env);
    expect(window.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { seq: number }).seq)).toEqual([2]);
    const csv = await runCli(['audit', 'export', '--format', 'csv', '--actor', 'bob chen', '--action', 'decision,decision_refused'], env);
    expect(csv.stdout.trim().split('\n')[1]).toBe(
      '3,2025-03-04T12:00:00.000Z,decision,rejected,U0SREBOB,Bob Chen,prod-eu,shop,Deployment,ledger,,app,OOMKilled,memory,fp-ledger,oom-b,,,,,' +
      `"{""reason"":""fix, \\""soon\\""""}",${(await new RedisAuditLog(redis, prefix).head()).hash},` + (await new RedisAuditLog(redis, prefix).latest(2))[1]!.hash,
    );
    const none = await runCli(['audit', 'export', '--incident', 'nope'], env);
    expect([none.code, none.stdout, none.stderr.trim()]).toEqual([0, '', 'note: no entry matches the filters']);
  });

  it('refuses what it cannot read with every problem and the usage (exit 2)', async () => {
    const res = await runCli(['audit', 'export', '--since', 'last tuesday', '--action', 'approve', '--format', 'xml'], env);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/--format "xml"[\s\S]*--since "last tuesday"[\s\S]*"approve" is not an action[\s\S]*usage:/);
    expect((await runCli(['audit', 'verify', '--checkpoint', '12'], env)).code).toBe(2);
    expect((await runCli(['audit', 'export', '--bogus'], env)).code).toBe(2);
  });
});

describe('kube-ai-sre audit verify against checkpoints', () => {
  let redis: Redis;
  let slack: FakeSlack;
  const prefix = uniquePrefix('cli-audit-witness');
  const AUDIT_CHANNEL = 'C0AUDITLOG';
  let env: Record<string, string>;

  beforeAll(async () => {
    redis = await connectRedis(SHARED_REDIS_URL, 'store');
    slack = await startFakeSlack();
    slack.addChannel({ id: AUDIT_CHANNEL, name: 'audit-log', member: true });
    env = {
      REDIS_URL: SHARED_REDIS_URL, KEY_PREFIX: prefix,
      SLACK_BOT_TOKEN: slack.identity.botToken, SLACK_CHANNEL_ID: 'C0INCIDENTS', AUDIT_CHANNEL_ID: AUDIT_CHANNEL, SLACK_API_URL: slack.apiUrl,
    };
    const log = new RedisAuditLog(redis, prefix);
    for (const outcome of ['posted', 'rejected', 'posted']) await log.append({ actor: outcome === 'posted' ? 'system' : 'U0SREALICE', action: outcome === 'posted' ? 'incident_posted' : 'decision', incidentId: 'oom-1', outcome });
  });
  afterAll(async () => {
    await deleteKeysUnder(redis, prefix);
    redis.disconnect();
    await slack.close();
  });

  it('says when Slack holds no checkpoint yet, and needs a token and a channel', async () => {
    const empty = await runCli(['audit', 'verify', '--against-slack'], env);
    expect(empty.code).toBe(0);
    expect(empty.stderr).toMatch(/no audit checkpoint found in Slack channel C0AUDITLOG/);
    const noToken = await runCli(['audit', 'verify', '--against-slack'], { REDIS_URL: SHARED_REDIS_URL, KEY_PREFIX: prefix });
    expect([noToken.code, noToken.stderr]).toEqual([2, expect.stringMatching(/needs SLACK_BOT_TOKEN/)]);
    const notMember = await runCli(['audit', 'verify', '--against-slack'], { ...env, AUDIT_CHANNEL_ID: 'C0GENERAL' });
    expect([notMember.code, notMember.stderr]).toEqual([11, expect.stringMatching(/not_in_channel/)]);
  });

  it('passes a consistent rewrite without a witness (as documented), and fails it (exit 9) against Slack or a noted checkpoint', async () => {
    const head = await new RedisAuditLog(redis, prefix).head();
    const bot = new webApi.WebClient(slack.identity.botToken, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 }, logLevel: webApi.LogLevel.ERROR });
    await bot.chat.postMessage({ channel: AUDIT_CHANNEL, text: checkpointText({ ...head, at: '2025-03-04T09:00:00.000Z' }) });
    const before = await runCli(['audit', 'verify', '--against-slack'], env);
    expect([before.code, before.stdout.trim()]).toEqual([0, `audit trail intact: 3 entries verified; it contains all 1 checkpoint read from Slack channel ${AUDIT_CHANNEL}, the newest at seq 3`]);

    // Someone with write access to Redis turns the rejection into an approval and re-hashes everything.
    await rewriteChain(redis, prefix, (e) => (e.outcome === 'rejected' ? { ...e, outcome: 'approved' } : e));
    const plain = await runCli(['audit', 'verify'], env);
    expect([plain.code, plain.stdout.trim()]).toEqual([0, 'audit trail intact: 3 entries verified']);

    const witnessed = await runCli(['audit', 'verify', '--against-slack'], env);
    expect(witnessed.code).toBe(9);
    expect(witnessed.stderr).toMatch(/audit trail REWRITTEN: its 3 entries link up, but it no longer contains 1 of 1 checkpoint read from Slack channel C0AUDITLOG:\n {2}checkpoint seq 3 \(in Slack C0AUDITLOG message [\d.]+, taken 2025-03-04T09:00:00.000Z\): the chain in Redis holds hash [0-9a-f]{64} there, not [0-9a-f]{64} \(the chain was rewritten\)/);

    const offline = await runCli(['audit', 'verify', '--checkpoint', `${head.seq}:${head.hash.toUpperCase()}`], env);
    expect(offline.code).toBe(9);
    expect(offline.stderr).toMatch(/checkpoint seq 3 \(--checkpoint\)/);
  });
});
