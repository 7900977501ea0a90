// The analysis job: analyze one incident (the LLM call happens here, never on Slack's ack path),
// then either claim and post it as a new incident, or refresh an existing one in place.
import type { AnalyzeJob } from '../core/jobs.ts';
import type { IncidentReport } from '../core/model.ts';
import type { AuditLog, ChatNotifier, IncidentRecords, IncidentThreads, Logger, OnceLocks } from '../ports.ts';
import { auditFacts, postIncidentOnce } from './post-incident.ts';
import { analyzeIncident, type AnalyzeDeps } from './analyze-incident.ts';
import { similarLine } from '../core/similar/summary.ts';
import type { SimilarIncidents } from './similar-incidents.ts';
import { refreshMessage, updateIfChanged } from './track-scan.ts';
import { sourceOf, sourceTag } from '../core/incident/source.ts';

export interface RunAnalysisDeps extends AnalyzeDeps {
  store: IncidentRecords & IncidentThreads & OnceLocks;
  notifier: ChatNotifier | undefined;
  audit: AuditLog;
  /** Similar past incidents for the prompt and the message; absent when embeddings are off. */
  similar?: SimilarIncidents;
}

export type AnalysisOutcome = 'posted' | 'stored' | 'updated' | 'already-posted' | 'closed';

export async function runAnalysis(deps: RunAnalysisDeps, job: AnalyzeJob): Promise<{ outcome: AnalysisOutcome; report?: IncidentReport }> {
  const log = deps.logger.child({ fingerprint: job.fingerprint, incidentId: job.incidentId });
  if (!job.incidentId) {
    // Another job (a second replica, or the watch seeing the next OOM meanwhile) may have created
    // it already: no second LLM call, just make sure it is posted.
    const existing = await deps.store.findOpenByFingerprint(job.fingerprint);
    if (existing) return { outcome: 'already-posted', report: await ensurePosted(deps, existing, log) };
  }

  // find() never throws and finds nothing when embeddings are unavailable.
  const similar = deps.similar ? await deps.similar.find(job.found, { excludeId: job.incidentId }) : [];
  const diagnosed = await analyzeIncident(deps, job.found, { similar: similar.map(similarLine) });
  const analyzed: IncidentReport = similar.length > 0 ? { ...diagnosed, similar } : diagnosed;

  if (job.incidentId) {
    // Only an undecided incident is re-analyzed: a decision stays attached to what was decided.
    const updated = await updateIfChanged(deps.store, job.incidentId, (cur) => cur.status !== 'open' ? undefined : {
      ...cur,
      detection: analyzed.detection,
      node: analyzed.node,
      recommendation: analyzed.recommendation,
      diagnosis: analyzed.diagnosis,
      verdict: analyzed.verdict,
      contextHash: analyzed.contextHash,
      ...(analyzed.similar ? { similar: analyzed.similar } : {}),
      ...(analyzed.signals ? { signals: analyzed.signals } : {}),
    });
    if (!updated) return { outcome: 'closed' };
    await deps.audit.append({ actor: 'system', action: 'incident_updated', incidentId: updated.id, outcome: 're-analyzed', ...auditFacts(updated) });
    await refreshMessage(deps, updated, log);
    await deps.similar?.index(updated);
    return { outcome: 'updated', report: updated };
  }

  const claim = await deps.store.claim(job.fingerprint, analyzed);
  if (!claim.created) return { outcome: 'already-posted', report: await ensurePosted(deps, claim.report, log) };
  if (!deps.notifier) {
    await deps.audit.append({ actor: 'system', action: 'incident_posted', incidentId: claim.report.id, outcome: 'stored (no Slack configured)', ...auditFacts(claim.report),
      details: { diagnosis: claim.report.diagnosis.source, source: sourceTag(sourceOf(claim.report)) } });
    await deps.similar?.index(claim.report);
    return { outcome: 'stored', report: claim.report };
  }
  const posted = await postIncidentOnce({ ...deps, notifier: deps.notifier }, claim.report);
  if (!posted) return { outcome: 'already-posted', report: claim.report };
  await deps.similar?.index(posted);
  return { outcome: 'posted', report: posted };
}

/** Posts an incident an earlier attempt created but could not post (Slack was failing). */
async function ensurePosted(deps: RunAnalysisDeps, report: IncidentReport, log: Logger): Promise<IncidentReport> {
  if (report.slack || !deps.notifier) return report;
  log.info({ incidentId: report.id }, 'posting an incident whose first post failed');
  return (await postIncidentOnce({ ...deps, notifier: deps.notifier }, report)) ?? report;
}
