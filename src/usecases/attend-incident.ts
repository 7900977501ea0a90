// Acknowledge, Mute and Unmute clicks on incidents that have no resource decision. Only the
// policy's approvers may use them (muting silences the channel, so it is not for anyone); each
// outcome, refusals included, is one audit entry. A mute is stored on the incident (shown in its
// message) and on its fingerprint (so an incident that resolves and comes back unchanged stays
// silent until the mute ends).
import { z } from 'zod';
import { auditSubject } from '../core/audit/subject.ts';
import { hasResourceDecision } from '../core/detection/family.ts';
import { AppError } from '../core/errors.ts';
import { acknowledge, describeMuteDuration, isMuteDuration, mute, muteUntil, unmute, type AttentionResult } from '../core/incident/attention.ts';
import { isApprover } from '../core/incident/authorize.ts';
import { analysisKey } from '../core/incident/tracking.ts';
import type { IncidentReport } from '../core/model.ts';
import type { PolicySet } from '../core/policy/schema.ts';
import type { AuditLog, Clock, FingerprintMutes, IncidentRecords, Logger } from '../ports.ts';
import { auditActor } from './audit-actor.ts';
import { verdictNow } from './decide.ts';

export const AttendInputSchema = z.object({
  incidentId: z.string().min(1).max(200),
  userId: z.string().min(1).max(64),
  userName: z.string().max(200).optional(),
  action: z.enum(['acknowledge', 'mute', 'unmute']),
  /** For mute: 1h, 4h, 24h or 7d. */
  duration: z.string().max(10).optional(),
});
export type AttendInput = z.infer<typeof AttendInputSchema>;

export type AttendOutcome =
  | { ok: true; report: IncidentReport; message: string }
  | { ok: false; message: string; report?: IncidentReport };

export interface AttendDeps {
  store: IncidentRecords & FingerprintMutes;
  audit: AuditLog;
  clock: Clock;
  logger: Logger;
  policies?: PolicySet;
}

const AUDIT_ACTION = { acknowledge: 'acknowledged', mute: 'muted', unmute: 'unmuted' } as const;

export async function attendIncident(deps: AttendDeps, raw: AttendInput): Promise<AttendOutcome> {
  const parsed = AttendInputSchema.safeParse(raw);
  if (!parsed.success) throw new AppError('input_invalid', `invalid request: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  const input = parsed.data;
  const now = deps.clock.now();
  const at = now.toISOString();
  const who = { userId: input.userId, at, ...(input.userName !== undefined ? { userName: input.userName } : {}) };
  const log = deps.logger.child({ incidentId: input.incidentId, userId: input.userId, action: input.action });
  const audit = (outcome: string, report: IncidentReport | undefined, details: Record<string, string> = {}) =>
    deps.audit.append({
      actor: auditActor(input.userId),
      ...(input.userName !== undefined ? { actorName: input.userName } : {}),
      action: AUDIT_ACTION[input.action],
      incidentId: input.incidentId,
      ...(report ? { subject: auditSubject(report) } : {}),
      outcome,
      ...(Object.keys(details).length > 0 ? { details } : {}),
    });
  const refuse = async (message: string, outcome: string, report?: IncidentReport): Promise<AttendOutcome> => {
    await audit(`refused: ${outcome}`, report);
    log.info({ outcome }, 'attention refused');
    return { ok: false, message, ...(report ? { report } : {}) };
  };

  const report = await deps.store.get(input.incidentId);
  if (!report) return refuse('This incident is no longer in the store (it may have expired); nothing was recorded.', 'incident not found');
  if (hasResourceDecision(report.detection.kind)) {
    return refuse('This incident is decided with Approve or Reject, not acknowledged or muted.', 'has a resource decision', report);
  }
  const verdict = verdictNow(report, deps.policies);
  if (!isApprover(verdict, input.userId)) {
    return refuse(`Only the approvers named by policy ${verdict.policyName} can ${input.action} this incident.`, 'not an approver', report);
  }

  let change: (r: IncidentReport) => AttentionResult;
  let text: string;
  const details: Record<string, string> = {};
  if (input.action === 'acknowledge') {
    change = (r) => acknowledge(r, who);
    text = 'acknowledged';
  } else if (input.action === 'mute') {
    if (input.duration === undefined || !isMuteDuration(input.duration)) {
      return refuse('Choose how long to mute: 1h, 4h, 24h or 7d.', `unknown duration ${JSON.stringify(input.duration ?? '')}`, report);
    }
    const until = muteUntil(now, input.duration);
    change = (r) => mute(r, { ...who, until });
    text = `muted for ${describeMuteDuration(input.duration)}`;
    details.until = until;
  } else {
    change = unmute;
    text = 'unmuted';
  }

  let refusal: string | undefined;
  const updated = await deps.store.update(report.id, (current) => {
    const result = change(current);
    refusal = result.ok ? undefined : result.reason;
    return result.ok ? result.report : undefined;
  });
  // `update` hands back the stored report unchanged when `change` declined: the refusal says why.
  if (!updated || refusal !== undefined) return refuse(`Nothing changed: ${refusal ?? 'the incident is gone'}.`, refusal ?? 'incident not found', updated ?? report);

  if (input.action === 'mute' && updated.mute) {
    await deps.store.setMute(
      { fingerprint: updated.fingerprint, until: updated.mute.until, userId: input.userId, at, analysisKey: analysisKey(updated.detection), ...(input.userName !== undefined ? { userName: input.userName } : {}) },
      Date.parse(updated.mute.until) - now.getTime(),
    );
  } else if (input.action === 'unmute') {
    await deps.store.clearMute(updated.fingerprint);
  }
  await audit(text, updated, details);
  log.info({}, `incident ${text}`);
  return { ok: true, report: updated, message: `Incident ${text}.` };
}
