// Posting an incident's message exactly once, from whichever job gets there first: the analysis
// that created it, its retry after a Slack failure, or a later scan that finds it still unposted.
import { auditSubject } from '../core/audit/subject.ts';
import type { IncidentReport } from '../core/model.ts';
import { approvedChange } from '../core/recommend/approved.ts';
import type { AuditLog, ChatNotifier, IncidentThreads, Logger, OnceLocks } from '../ports.ts';
import { sourceOf, sourceTag } from '../core/incident/source.ts';

/** Long enough for one post; short enough that a retry after a failed post gets its turn. */
const POST_LOCK_SECONDS = 30;

export interface PostDeps {
  store: IncidentThreads & OnceLocks;
  notifier: ChatNotifier;
  audit: AuditLog;
  logger: Logger;
}

/** What the incident is about, its verdict and recommendation, as the audit trail records them. */
/** Memory entries keep the shape they always had; a CPU change says so. */
function auditedChange(r: IncidentReport) {
  const { resource, ...change } = approvedChange(r);
  return resource === 'cpu' ? { ...change, resource } : change;
}

export function auditFacts(r: IncidentReport) {
  return {
    subject: auditSubject(r),
    verdict: { allowed: r.verdict.allowed, policyName: r.verdict.policyName },
    recommendation: auditedChange(r),
  };
}

/**
 * Posts the incident unless it already has a message or another worker holds the post lock.
 * Returns the posted report, or undefined when someone else is posting it. Slack errors throw
 * (the job retries once the lock expires).
 */
export async function postIncidentOnce(deps: PostDeps, report: IncidentReport): Promise<IncidentReport | undefined> {
  if (report.slack) return report;
  const lock = `post:${report.id}`;
  if (!(await deps.store.seenOnce(lock, POST_LOCK_SECONDS))) return undefined;
  let ref;
  try {
    ref = await deps.notifier.postIncident(report);
  } catch (err) {
    await deps.store.forget(lock).catch(() => undefined); // let the retry post it
    throw err;
  }
  const posted = (await deps.store.setSlackRef(report.id, ref)) ?? { ...report, slack: ref };
  await deps.audit.append({
    actor: 'system', action: 'incident_posted', incidentId: posted.id, outcome: 'posted', ...auditFacts(posted),
    details: { channel: ref.channel, ts: ref.ts, diagnosis: posted.diagnosis.source, source: sourceTag(sourceOf(posted)) },
  });
  deps.logger.info({ incidentId: posted.id, channel: ref.channel, ts: ref.ts }, 'incident posted');
  return posted;
}
