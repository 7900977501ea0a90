// The analysis job: analyze one incident (the LLM call happens here, never on Slack's ack path),
// then either claim and post it as a new incident, or refresh an existing one in place.
import type { AnalyzeJob } from '../core/jobs.ts';
import type { IncidentReport } from '../core/model.ts';
import type { AuditLog, ChatNotifier, IncidentStore } from '../ports.ts';
import { analyzeIncident, type AnalyzeDeps } from './analyze-incident.ts';
import { similarLine } from '../core/similar/summary.ts';
import type { SimilarIncidents } from './similar-incidents.ts';
import { refreshMessage } from './track-scan.ts';

export interface RunAnalysisDeps extends AnalyzeDeps {
  store: IncidentStore;
  notifier: ChatNotifier | undefined;
  audit: AuditLog;
  /** Similar past incidents for the prompt and the message; absent when embeddings are off. */
  similar?: SimilarIncidents;
}

export type AnalysisOutcome = 'posted' | 'stored' | 'updated' | 'already-posted' | 'closed';

export async function runAnalysis(deps: RunAnalysisDeps, job: AnalyzeJob): Promise<{ outcome: AnalysisOutcome; report?: IncidentReport }> {
  const log = deps.logger.child({ fingerprint: job.fingerprint, incidentId: job.incidentId });
  // find() never throws and finds nothing when embeddings are unavailable.
  const similar = deps.similar ? await deps.similar.find(job.found, { excludeId: job.incidentId }) : [];
  const diagnosed = await analyzeIncident(deps, job.found, { similar: similar.map(similarLine) });
  const analyzed: IncidentReport = similar.length > 0 ? { ...diagnosed, similar } : diagnosed;

  if (job.incidentId) {
    const updated = await deps.store.update(job.incidentId, (cur) => cur.status === 'resolved' ? undefined : {
      ...cur,
      detection: analyzed.detection,
      node: analyzed.node,
      recommendation: analyzed.recommendation,
      diagnosis: analyzed.diagnosis,
      verdict: analyzed.verdict,
      contextHash: analyzed.contextHash,
      ...(analyzed.similar ? { similar: analyzed.similar } : {}),
    });
    if (!updated) return { outcome: 'closed' };
    await deps.audit.append({ actor: 'system', action: 'incident_updated', incidentId: updated.id, outcome: 're-analyzed', ...auditFacts(updated) });
    await refreshMessage(deps, updated, log);
    await deps.similar?.index(updated);
    return { outcome: 'updated', report: updated };
  }

  const claim = await deps.store.claim(job.fingerprint, analyzed);
  if (!claim.created && claim.report.slack) return { outcome: 'already-posted', report: claim.report };
  if (!deps.notifier) {
    if (claim.created) await deps.audit.append({ actor: 'system', action: 'incident_posted', incidentId: claim.report.id, outcome: 'stored (no Slack configured)', ...auditFacts(claim.report) });
    if (claim.created) await deps.similar?.index(claim.report);
    return { outcome: 'stored', report: claim.report };
  }
  // Created now, or created by an earlier attempt whose Slack post failed: post it once.
  const ref = await deps.notifier.postIncident(claim.report);
  const posted = (await deps.store.setSlackRef(claim.report.id, ref)) ?? { ...claim.report, slack: ref };
  await deps.audit.append({ actor: 'system', action: 'incident_posted', incidentId: posted.id, outcome: 'posted', ...auditFacts(posted), details: { channel: ref.channel, ts: ref.ts, diagnosis: posted.diagnosis.source } });
  log.info({ incidentId: posted.id, channel: ref.channel, ts: ref.ts }, 'incident posted');
  await deps.similar?.index(posted);
  return { outcome: 'posted', report: posted };
}

function auditFacts(r: IncidentReport) {
  return {
    verdict: { allowed: r.verdict.allowed, policyName: r.verdict.policyName },
    recommendation: { limit: r.verdict.recommendedLimit ?? r.recommendation.limit, request: r.recommendation.request },
  };
}
