// A person's reply in an incident's thread becomes a thread job (answered by the LLM off the
// event path). Bots, edits, deletions, top-level messages and threads that are not incidents are
// ignored; Slack's retries of the same event are enqueued once.
import type { App } from '@slack/bolt';
import { errorMessage, type SlackHandlerDeps } from './handler-deps.ts';

/** Long enough to cover Slack's retries (minutes) and a replay of the same message. */
export const THREAD_DEDUP_SECONDS = 24 * 3600;
/** Questions are cut here; the use case cuts further for the prompt. */
const QUESTION_CHARS = 4000;
// Subtypes that are still a person writing in the thread.
const HUMAN_SUBTYPES = new Set<string | undefined>([undefined, 'thread_broadcast', 'file_share']);

export interface ThreadQuestion {
  channel: string;
  user: string;
  text: string;
  ts: string;
  threadTs: string;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** The question in a message event, or undefined for anything that is not a person's thread reply. */
export function threadQuestion(event: Record<string, unknown>): ThreadQuestion | undefined {
  const subtype = typeof event.subtype === 'string' ? event.subtype : undefined;
  if (!HUMAN_SUBTYPES.has(subtype) || event.bot_id !== undefined || event.bot_profile !== undefined) return undefined;
  const channel = str(event.channel);
  const user = str(event.user);
  const ts = str(event.ts);
  const threadTs = str(event.thread_ts);
  const text = typeof event.text === 'string' ? event.text.trim() : '';
  if (!channel || !user || !ts || !threadTs || threadTs === ts || text === '') return undefined;
  return { channel, user, text: text.slice(0, QUESTION_CHARS), ts, threadTs };
}

export function registerThreadMessages(app: App, deps: SlackHandlerDeps): void {
  app.event('message', async ({ event }) => {
    const q = threadQuestion(event as unknown as Record<string, unknown>);
    if (!q) return;
    const log = deps.logger.child({ channel: q.channel, threadTs: q.threadTs, messageTs: q.ts });
    try {
      const incident = await deps.store.findByThread(q.channel, q.threadTs);
      if (!incident) {
        log.debug({}, 'not an incident thread');
        return;
      }
      // The message ts is the same on every retry of the event (and its event_id too).
      if (!(await deps.store.seenOnce(`slack-msg:${q.channel}:${q.ts}`, THREAD_DEDUP_SECONDS))) {
        log.debug({}, 'thread question already queued (Slack retry)');
        return;
      }
      const { jobId } = await deps.queue.enqueueThread({
        incidentId: incident.id,
        channel: q.channel,
        threadTs: q.threadTs,
        messageTs: q.ts,
        userId: q.user,
        text: q.text,
      });
      log.info({ incidentId: incident.id, jobId }, 'thread question queued');
    } catch (err) {
      log.error({ err: errorMessage(err) }, 'thread question could not be queued');
    }
  });
}
