// An Approve/Reject click: authorise against the verdict stored on the incident, record the
// decision atomically (exactly one per incident), and append exactly one audit entry for what
// happened. Returns what the Slack layer needs: the updated report, or an ephemeral refusal.
import { effectivePolicy } from '../core/policy/evaluate.ts';
import type { PolicySet } from '../core/policy/schema.ts';
import { auditActor } from './audit-actor.ts';
import { auditFacts } from './post-incident.ts';
import { z } from 'zod';
import { AppError } from '../core/errors.ts';
import { authorizeDecision, withCurrentPolicy } from '../core/incident/authorize.ts';
import type { Decision, IncidentReport, Verdict } from '../core/model.ts';
import type { AuditEntryInput } from '../core/audit/entry.ts';
import type { AuditLog, Clock, IncidentRecords, Logger } from '../ports.ts';

export const DecideInputSchema = z.object({
  incidentId: z.string().min(1).max(200),
  userId: z.string().min(1).max(64),
  userName: z.string().max(200).optional(),
  action: z.enum(['approve', 'reject']),
  reason: z.string().max(1000).optional(),
});
export type DecideInput = z.infer<typeof DecideInputSchema>;

export type DecideRefusal = 'not_found' | 'not_approver' | 'policy_denied' | 'already_decided' | 'resolved';

export type DecideOutcome =
  /** The decision was recorded: re-render the incident message from `report`. */
  | { ok: true; report: IncidentReport; decision: Decision; auditFailed?: true }
  /** Nothing changed: show `message` to the clicking user only; `report` (when known) is current. */
  | { ok: false; refusal: DecideRefusal; message: string; report?: IncidentReport };

export interface DecideDeps {
  store: IncidentRecords;
  audit: AuditLog;
  clock: Clock;
  logger: Logger;
  /** The policies in force; approvers are checked against them, not the ones at analysis time. */
  policies?: PolicySet;
}

/** The stored verdict with the approvers (and protection) of the policy in force now. */
export function verdictNow(report: IncidentReport, policies: PolicySet | undefined): Verdict {
  return policies ? withCurrentPolicy(report.verdict, effectivePolicy(policies, report.detection.namespace)) : report.verdict;
}

// Pauses between attempts at a decision's audit entry: about 15 s in all, so the entry outlasts a
// Redis Sentinel failover (the master gone, a replica promoted, the clients reconnected).
const AUDIT_RETRY_DELAYS_MS = [200, 400, 800, 1_600, 3_200, 5_000, 5_000];

/**
 * The decision is already stored when this runs: retry the append through a Redis outage or
 * failover, and if it still fails, say so loudly but do not undo or hide the decision (the user
 * must not be told "nothing changed" when something did).
 */
async function appendOrLog(audit: AuditLog, logger: Logger, entry: AuditEntryInput): Promise<boolean> {
  for (let attempt = 0; ; attempt++) {
    try {
      await audit.append(entry);
      return true;
    } catch (err) {
      const pause = AUDIT_RETRY_DELAYS_MS[attempt];
      if (pause === undefined) {
        logger.error({ err: err instanceof Error ? err.message : String(err), entry }, 'decision recorded but its audit entry could not be written');
        return false;
      }
      logger.warn({ err: err instanceof Error ? err.message : String(err), attempt: attempt + 1 }, 'decision recorded; retrying its audit entry');
      await new Promise((r) => setTimeout(r, pause));
    }
  }
}

// How far back a repeated click looks for the decision's audit entry.
const RECENT_ENTRIES = 1_000;

// A double click's first click may still be appending its entry: look again before calling it missing.
const LOOK_AGAIN_MS = [200, 500, 1_000];

/** True when the trail's recent entries, reaching back past `at`, hold no decision entry for the incident. */
async function decisionUnaudited(audit: AuditLog, incidentId: string, at: string): Promise<boolean> {
  for (let look = 0; ; look++) {
    const recent = await audit.latest(RECENT_ENTRIES);
    if (recent.some((e) => e.action === 'decision' && e.incidentId === incidentId)) return false;
    // Only a window that reaches back to the decision proves its entry missing.
    const oldest = recent.at(-1);
    if (recent.length >= RECENT_ENTRIES && (oldest === undefined || oldest.at > at)) return false;
    const pause = LOOK_AGAIN_MS[look];
    if (pause === undefined) return true;
    await new Promise((r) => setTimeout(r, pause));
  }
}

export function pastTense(action: Decision['action']): string {
  return action === 'approve' ? 'approved' : 'rejected';
}


export async function decideIncident(deps: DecideDeps, rawInput: DecideInput): Promise<DecideOutcome> {
  const parsed = DecideInputSchema.safeParse(rawInput);
  if (!parsed.success) {
    throw new AppError('input_invalid', `invalid decision request: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  }
  const input = parsed.data;
  const { store, audit, clock } = deps;
  const logger = deps.logger.child({ incidentId: input.incidentId, userId: input.userId, action: input.action });
  const requested = {
    requested: input.action,
    ...(input.reason !== undefined ? { reason: input.reason } : {}),
  };
  const actor = { actor: auditActor(input.userId), ...(input.userName !== undefined ? { actorName: input.userName } : {}) };

  const refuse = async (
    refusal: DecideRefusal,
    message: string,
    outcome: string,
    report?: IncidentReport,
    extra: Record<string, string> = {},
  ): Promise<DecideOutcome> => {
    await audit.append({
      ...actor,
      action: 'decision_refused',
      incidentId: input.incidentId,
      ...(report ? auditFacts(report) : {}),
      outcome,
      details: { ...requested, ...extra },
    });
    logger.info({ refusal }, 'decision refused');
    return { ok: false, refusal, message, ...(report ? { report } : {}) };
  };

  const report = await store.get(input.incidentId);
  if (!report) {
    return refuse(
      'not_found',
      'This incident is no longer in the store (it may have expired); nothing was recorded.',
      'refused: incident not found',
    );
  }

  const auth = authorizeDecision(verdictNow(report, deps.policies), input.userId, input.action);
  if (!auth.allowed) {
    const outcome = auth.code === 'not_approver' ? 'refused: not an approver' : 'refused: policy denied';
    return refuse(auth.code, `You cannot ${input.action} this incident: ${auth.reason}.`, outcome, report);
  }

  const decision: Decision = {
    action: input.action,
    userId: input.userId,
    at: clock.now().toISOString(),
    ...(input.userName !== undefined ? { userName: input.userName } : {}),
    ...(input.reason !== undefined ? { reason: input.reason } : {}),
  };
  const result = await store.decide(input.incidentId, decision);

  if (!result.ok) {
    if (result.code === 'incident_not_found') {
      return refuse(
        'not_found',
        'This incident is no longer in the store (it may have expired); nothing was recorded.',
        'refused: incident not found',
      );
    }
    const current = result.report;
    if (current.status === 'resolved') {
      return refuse(
        'resolved',
        `This incident was resolved at ${current.resolvedAt ?? 'an earlier time'}; it can no longer be decided.`,
        'refused: incident resolved',
        current,
      );
    }
    const earlier = current.decision;
    // The same person making the same decision again: when their first click was stored but its
    // answer was lost (Redis failing over between the write and the reply: they were told
    // "could not be recorded"), the decision has no audit entry yet. Write it now and show it.
    if (earlier && earlier.userId === input.userId && earlier.action === input.action && await decisionUnaudited(audit, input.incidentId, earlier.at)) {
      const audited = await appendOrLog(audit, logger, {
        ...actor,
        action: 'decision',
        incidentId: input.incidentId,
        at: earlier.at,
        ...auditFacts(current),
        outcome: pastTense(earlier.action),
        details: { ...requested, ...(earlier.reason !== undefined ? { reason: earlier.reason } : {}), answeredOnRepeat: true },
      });
      logger.warn({ status: current.status }, 'decision found stored without its audit entry (its first answer was lost); audited now');
      return { ok: true, report: current, decision: earlier, ...(audited ? {} : { auditFailed: true as const }) };
    }
    const message = earlier
      ? `This incident was already ${pastTense(earlier.action)} by <@${earlier.userId}> at ${earlier.at}.`
      : `This incident was already ${current.status}.`;
    const extra: Record<string, string> = earlier
      ? { decidedBy: earlier.userId, decidedAt: earlier.at, decidedAction: earlier.action }
      : {};
    return refuse('already_decided', message, `refused: already ${current.status}`, current, extra);
  }

  // The decision is already stored; a failed append must be loud, never silent.
  const audited = await appendOrLog(audit, logger, {
    ...actor,
    action: 'decision',
    incidentId: input.incidentId,
    at: decision.at,
    ...auditFacts(result.report),
    outcome: pastTense(input.action),
    details: requested,
  });
  logger.info({ status: result.report.status }, 'decision recorded');
  return { ok: true, report: result.report, decision, ...(audited ? {} : { auditFailed: true as const }) };
}
