// What the Slack listeners share: ports, the notifier, metrics hooks and a way to tell one user
// something privately.
import type { webApi } from '@slack/bolt';
import type { PolicySet } from '../../core/policy/schema.ts';
import type { AuditLog, ChatNotifier, Clock, ClusterDirectory, IncidentStore, JobQueue, Logger, UserDirectory } from '../../ports.ts';
import type { ClusterRef } from '../../core/cluster/cluster-ref.ts';
import type { DecideRefusal } from '../../usecases/decide.ts';
import { callSlack, type SlackErrorHook } from './slack-errors.ts';

export type DecisionMetricOutcome = 'recorded' | DecideRefusal | 'error';
export type DecisionHook = (action: 'approve' | 'reject', outcome: DecisionMetricOutcome) => void;

export interface SlackHandlerDeps {
  channelId: string;
  store: IncidentStore;
  audit: AuditLog;
  queue: JobQueue;
  policies: PolicySet;
  clock: Clock;
  logger: Logger;
  notifier: ChatNotifier;
  client: webApi.WebClient;
  /** Display names by Slack ID (users.info, cached): one name per person everywhere. */
  users?: UserDirectory;
  stats?: () => Promise<string>;
  /** Where audit checkpoints go (AUDIT_CHANNEL_ID); the incident channel when undefined. */
  auditChannelId?: string;
  /** The cluster's name, shown in checkpoints. */
  cluster?: string;
  /** This agent's cluster, and the clusters of every agent sharing Redis (for `/sre clusters` and scan routing). */
  self?: ClusterRef;
  clusters?: ClusterDirectory;
  onSlackError?: SlackErrorHook;
  onDecision?: DecisionHook;
}

/**
 * Tells one user something only they see (chat.postEphemeral). When that fails (the bot is not in
 * the channel, a private conversation) the interaction's response_url is the fallback.
 */
export async function tellUser(
  deps: Pick<SlackHandlerDeps, 'client' | 'logger' | 'onSlackError'>,
  to: { channel?: string; user: string; threadTs?: string },
  text: string,
  fallback?: (text: string) => Promise<unknown>,
): Promise<void> {
  try {
    if (!to.channel) throw new Error('no channel to post in');
    await callSlack(
      'chat.postEphemeral',
      () => deps.client.chat.postEphemeral({ channel: to.channel!, user: to.user, text, ...(to.threadTs ? { thread_ts: to.threadTs } : {}) }),
      deps.onSlackError,
    );
  } catch (err) {
    deps.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'ephemeral message failed');
    if (fallback) await fallback(text).catch((e: unknown) => deps.logger.warn({ err: e instanceof Error ? e.message : String(e) }, 'response_url fallback failed'));
  }
}

/**
 * The name recorded for a user: the directory's display name (the same on every click and in every
 * audit entry); the payload's name only when no directory is wired.
 */
export async function userDisplayName(deps: Pick<SlackHandlerDeps, 'users'>, userId: string, payloadName: string | undefined): Promise<string | undefined> {
  return deps.users ? deps.users.displayName(userId) : payloadName;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
