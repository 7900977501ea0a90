// Reads audit checkpoints back from Slack: the bot's own messages in the audit channel
// (conversations.history, newest first, page by page). Messages by anyone else are ignored (a
// person cannot forge a checkpoint by typing one); a checkpoint message that was edited after it
// was posted is reported, since the bot never edits them.
import { LogLevel, webApi } from '@slack/bolt';
import { parseCheckpointText, type AuditCheckpoint } from '../../core/audit/checkpoint.ts';
import { callSlack } from './slack-errors.ts';

const quiet = {
  debug: () => {}, info: () => {}, warn: () => {}, error: () => {},
  setLevel: () => {}, getLevel: () => LogLevel.ERROR, setName: () => {},
};

export interface SlackCheckpointsOptions {
  botToken: string;
  channel: string;
  /** Web API base ending with "/api/" (tests, proxies); Slack's by default. */
  apiUrl?: string | undefined;
  timeoutMs?: number;
  /** Pages of 200 messages read at most (newest first). Default 50. */
  maxPages?: number;
}

export interface SlackCheckpoints {
  /** Checkpoints posted by this bot, newest first. */
  checkpoints: AuditCheckpoint[];
  /** Checkpoint messages edited after they were posted. */
  edited: AuditCheckpoint[];
  /** Messages that look like checkpoints but were not posted by this bot (ignored). */
  foreign: number;
  /** Messages read. */
  scanned: number;
  /** True when maxPages stopped the reading before the channel's first message. */
  truncated: boolean;
}

interface HistoryMessage {
  ts?: string;
  text?: string;
  user?: string;
  bot_id?: string;
  edited?: unknown;
  subtype?: string;
}

export async function readSlackCheckpoints(opts: SlackCheckpointsOptions): Promise<SlackCheckpoints> {
  const client = new webApi.WebClient(opts.botToken, {
    ...(opts.apiUrl ? { slackApiUrl: opts.apiUrl } : {}),
    retryConfig: { retries: 2, factor: 2, minTimeout: 500, maxTimeout: 5_000 },
    timeout: opts.timeoutMs ?? 15_000,
    logger: quiet,
  });
  const me = await callSlack('auth.test', () => client.auth.test());
  const out: SlackCheckpoints = { checkpoints: [], edited: [], foreign: 0, scanned: 0, truncated: false };
  let cursor: string | undefined;
  const maxPages = opts.maxPages ?? 50;
  for (let page = 0; page < maxPages; page++) {
    const res = await callSlack('conversations.history', () =>
      client.conversations.history({ channel: opts.channel, limit: 200, ...(cursor ? { cursor } : {}) }));
    const messages = (res.messages ?? []) as HistoryMessage[];
    out.scanned += messages.length;
    for (const m of messages) {
      const cp = typeof m.text === 'string' ? parseCheckpointText(m.text) : undefined;
      if (!cp) continue;
      const mine = (me.bot_id !== undefined && m.bot_id === me.bot_id) || (me.user_id !== undefined && m.user === me.user_id);
      if (!mine) {
        out.foreign++;
        continue;
      }
      const located = { ...cp, source: `in Slack ${opts.channel} message ${m.ts ?? '?'}` };
      if (m.edited) out.edited.push(located);
      else out.checkpoints.push(located);
    }
    cursor = res.response_metadata?.next_cursor || undefined;
    if (!res.has_more || !cursor) return out;
  }
  out.truncated = true;
  return out;
}
