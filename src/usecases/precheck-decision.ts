// Before the Reject modal opens: may this user decide this incident at all? A refusal is audited
// here (the modal never opens, so decideIncident never sees it); an allowed check records
// nothing — the decision itself is recorded, atomically, when the modal is submitted.
import { authorizeDecision, type DecisionAction } from '../core/incident/authorize.ts';
import type { IncidentReport } from '../core/model.ts';
import type { AuditLog, IncidentRecords, Logger } from '../ports.ts';
import { pastTense, verdictNow, type DecideRefusal } from './decide.ts';
import { auditFacts } from './post-incident.ts';
import type { PolicySet } from '../core/policy/schema.ts';
import { auditActor } from './audit-actor.ts';

export interface PrecheckDeps {
  store: IncidentRecords;
  audit: AuditLog;
  logger: Logger;
  policies?: PolicySet;
}

export interface PrecheckInput {
  incidentId: string;
  userId: string;
  userName?: string;
  action: DecisionAction;
}

export type PrecheckOutcome =
  | { ok: true; report: IncidentReport }
  | { ok: false; refusal: DecideRefusal; message: string; report?: IncidentReport };


function refusalFor(report: IncidentReport | undefined, input: PrecheckInput, policies: PolicySet | undefined): { refusal: DecideRefusal; message: string; outcome: string } | undefined {
  if (!report) {
    return { refusal: 'not_found', message: 'This incident is no longer in the store (it may have expired); nothing was recorded.', outcome: 'refused: incident not found' };
  }
  const auth = authorizeDecision(verdictNow(report, policies), input.userId, input.action);
  if (!auth.allowed) {
    return {
      refusal: auth.code,
      message: `You cannot ${input.action} this incident: ${auth.reason}.`,
      outcome: auth.code === 'not_approver' ? 'refused: not an approver' : 'refused: policy denied',
    };
  }
  if (report.status === 'resolved') {
    return {
      refusal: 'resolved',
      message: `This incident was resolved at ${report.resolvedAt ?? 'an earlier time'}; it can no longer be decided.`,
      outcome: 'refused: incident resolved',
    };
  }
  if (report.status !== 'open') {
    const d = report.decision;
    return {
      refusal: 'already_decided',
      message: d ? `This incident was already ${pastTense(d.action)} by <@${d.userId}> at ${d.at}.` : `This incident was already ${report.status}.`,
      outcome: `refused: already ${report.status}`,
    };
  }
  return undefined;
}

export async function precheckDecision(deps: PrecheckDeps, input: PrecheckInput): Promise<PrecheckOutcome> {
  const report = await deps.store.get(input.incidentId);
  const refused = refusalFor(report, input, deps.policies);
  if (!refused) return { ok: true, report: report! };
  const actor = auditActor(input.userId);
  await deps.audit.append({
    actor,
    ...(input.userName !== undefined ? { actorName: input.userName.slice(0, 200) } : {}),
    action: 'decision_refused',
    incidentId: input.incidentId,
    ...(report ? auditFacts(report) : {}),
    outcome: refused.outcome,
    details: {
      requested: input.action,
      stage: 'before_reason_modal',
      ...(actor !== input.userId ? { userId: input.userId.slice(0, 64) } : {}),
    },
  });
  deps.logger.info({ incidentId: input.incidentId, userId: input.userId, refusal: refused.refusal }, 'decision refused before the reason modal');
  return { ok: false, refusal: refused.refusal, message: refused.message, ...(report ? { report } : {}) };
}
