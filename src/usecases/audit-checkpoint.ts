// Audit checkpoints: the chain's head (sequence number and hash) posted to Slack, a witness Redis
// cannot rewrite. Posted on a schedule (one replica per period, and only when the chain has grown
// since the last one) and on `/sre audit checkpoint` by an approver, which is itself audited first
// so the checkpoint covers the request. `kube-ai-sre audit verify --against-slack` reads them back.
import { checkpointText } from '../core/audit/checkpoint.ts';
import { ANY_APPROVER } from '../core/incident/authorize.ts';
import type { PolicySet } from '../core/policy/schema.ts';
import type { AuditLog, ChatNotifier, Clock, Logger, OnceLocks, SlackRef } from '../ports.ts';
import { auditActor } from './audit-actor.ts';

export interface CheckpointDeps {
  audit: AuditLog;
  notifier: ChatNotifier;
  /** AUDIT_CHANNEL_ID; the incident channel when undefined. */
  channel?: string | undefined;
  clock: Clock;
  logger: Logger;
  cluster?: string | undefined;
}

export interface PostedCheckpoint {
  seq: number;
  hash: string;
  at: string;
  ref: SlackRef;
}

async function headOf(audit: AuditLog): Promise<{ seq: number; hash: string }> {
  if (audit.head) return audit.head();
  // Without a head reader, the newest entry is the head.
  const [last] = await audit.latest(1);
  return last ? { seq: last.seq, hash: last.hash } : { seq: 0, hash: '0'.repeat(64) };
}

async function post(deps: CheckpointDeps, head: { seq: number; hash: string }): Promise<PostedCheckpoint> {
  const at = deps.clock.now().toISOString();
  const ref = await deps.notifier.postText(checkpointText({ ...head, at }, deps.cluster), deps.channel ? { channel: deps.channel } : {});
  deps.logger.info({ seq: head.seq, hash: head.hash, channel: ref.channel, ts: ref.ts }, 'audit checkpoint posted');
  return { ...head, at, ref };
}

/** May this user ask for a checkpoint? The approvers of any loaded policy may. */
export function mayRequestCheckpoint(policies: PolicySet, userId: string): boolean {
  return policies.some((p) => p.spec.approvers.some((a) => a === ANY_APPROVER || a.trim() === userId));
}

export type CheckpointRequestOutcome =
  | { ok: true; checkpoint: PostedCheckpoint }
  | { ok: false; refusal: 'not_approver' | 'post_failed'; message: string };

/** `/sre audit checkpoint`: audited (refusals too), then the head — which includes that entry — posted. */
export async function requestCheckpoint(
  deps: CheckpointDeps & { policies: PolicySet; locks?: OnceLocks },
  who: { userId: string; userName?: string | undefined; channel?: string | undefined },
): Promise<CheckpointRequestOutcome> {
  const entry = {
    actor: auditActor(who.userId),
    ...(who.userName ? { actorName: who.userName.slice(0, 200) } : {}),
    action: 'audit_checkpoint' as const,
  };
  if (!mayRequestCheckpoint(deps.policies, who.userId)) {
    await deps.audit.append({ ...entry, outcome: 'refused: not an approver' });
    return { ok: false, refusal: 'not_approver', message: 'Only approvers named in a policy can post an audit checkpoint.' };
  }
  await deps.audit.append({ ...entry, outcome: 'requested', ...(who.channel ? { details: { channel: who.channel } } : {}) });
  const head = await headOf(deps.audit);
  try {
    const checkpoint = await post(deps, head);
    await deps.locks?.seenOnce(headKey(head), HEAD_MEMORY_SECONDS);
    return { ok: true, checkpoint };
  } catch (err) {
    const code = (err as { details?: { error?: unknown } }).details?.error;
    deps.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'audit checkpoint could not be posted');
    await deps.audit.append({ ...entry, outcome: `failed: ${typeof code === 'string' ? code : 'not posted'}` });
    return { ok: false, refusal: 'post_failed', message: `The checkpoint could not be posted (${typeof code === 'string' ? code : 'Slack error'}); is the bot in the audit channel?` };
  }
}

const headKey = (head: { seq: number; hash: string }) => `audit-checkpoint:head:${head.seq}:${head.hash}`;
/** A head already witnessed is not posted again for this long. */
const HEAD_MEMORY_SECONDS = 400 * 86_400;

export interface CheckpointScheduleOptions {
  everyMinutes: number;
  locks: OnceLocks;
}

/**
 * One checkpoint per period (periods are counted from the epoch, so replicas agree on them): the
 * first replica to take the period's lock posts, unless the head was already witnessed. Returns
 * what it did, for logs and tests.
 */
export async function periodicCheckpoint(deps: CheckpointDeps, opts: CheckpointScheduleOptions): Promise<'posted' | 'empty' | 'taken' | 'unchanged'> {
  const head = await headOf(deps.audit);
  if (head.seq === 0) return 'empty';
  const periodMs = opts.everyMinutes * 60_000;
  const slot = Math.floor(deps.clock.now().getTime() / periodMs);
  const slotKey = `audit-checkpoint:slot:${opts.everyMinutes}:${slot}`;
  if (!(await opts.locks.seenOnce(slotKey, Math.ceil(periodMs / 1000)))) return 'taken';
  if (!(await opts.locks.seenOnce(headKey(head), HEAD_MEMORY_SECONDS))) return 'unchanged';
  try {
    await post(deps, head);
    return 'posted';
  } catch (err) {
    // Let the next tick (here or on another replica) try again.
    await opts.locks.forget(slotKey).catch(() => undefined);
    await opts.locks.forget(headKey(head)).catch(() => undefined);
    throw err;
  }
}

/** How often the schedule looks: often enough to post early in each period, never busy. */
export function checkpointTickMs(everyMinutes: number): number {
  return Math.max(5_000, Math.min(everyMinutes * 60_000, 15 * 60_000));
}

/** Starts the schedule; the first look comes one tick after start. */
export function scheduleCheckpoints(deps: CheckpointDeps, opts: CheckpointScheduleOptions): { stop(): void } {
  const timer = setInterval(() => {
    periodicCheckpoint(deps, opts).catch((err: unknown) =>
      deps.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'audit checkpoint not posted; trying again at the next tick'));
  }, checkpointTickMs(opts.everyMinutes));
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
