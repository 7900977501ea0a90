// Keeps the channel quiet: maps each detection to its one incident, queues analysis only for new
// incidents or ones whose diagnosis inputs changed, updates messages in place on recurrence, and
// resolves incidents that stayed quiet. Safe to run from several replicas at once: analysis jobs
// are deduplicated by id and incidents are claimed atomically by fingerprint.
import { analysisKey, planTracking, recordOccurrence, shouldResolve } from '../core/incident/tracking.ts';
import type { FoundIncident, IncidentReport } from '../core/model.ts';
import type { AuditLog, ChatNotifier, Clock, IncidentStore, JobQueue, Logger } from '../ports.ts';
import type { DetectResult } from './detect-namespace.ts';

export interface TrackDeps {
  store: IncidentStore;
  queue: JobQueue;
  notifier: ChatNotifier | undefined;
  audit: AuditLog;
  clock: Clock;
  logger: Logger;
  hash: (text: string) => string;
  quietMinutes: number;
}

export interface TrackSummary {
  namespace: string;
  podsChecked: number;
  /** Fingerprints queued for a first analysis (their messages are posted by the analysis job). */
  queuedNew: string[];
  recurred: IncidentReport[];
  known: IncidentReport[];
  resolved: IncidentReport[];
}

export interface TrackOptions {
  /** A full namespace scan may resolve incidents it no longer sees; a single-pod watch event may not. */
  resolveMissing: boolean;
}

export async function trackScan(deps: TrackDeps, result: DetectResult, opts: TrackOptions): Promise<TrackSummary> {
  const summary: TrackSummary = { namespace: result.namespace, podsChecked: result.podsChecked, queuedNew: [], recurred: [], known: [], resolved: [] };
  const now = deps.clock.now();
  const seen = new Map<string, FoundIncident>();

  for (const found of result.found) {
    seen.set(found.fingerprint, found);
    const open = await deps.store.findOpenByFingerprint(found.fingerprint);
    const lastClosed = open ? undefined : await lastClosedIncident(deps.store, found.fingerprint);
    const plan = planTracking(found.detection, open, lastClosed, deps.hash);
    const log = deps.logger.child({ fingerprint: found.fingerprint, plan: plan.type });

    switch (plan.type) {
      case 'already-covered':
        break;
      case 'new':
        await enqueueAnalysis(deps, found, undefined);
        summary.queuedNew.push(found.fingerprint);
        log.info({ pod: found.detection.pod, kind: found.detection.kind }, 'new memory incident queued for analysis');
        break;
      case 'unchanged':
        summary.known.push(open as IncidentReport);
        break;
      case 'reanalyze':
        await enqueueAnalysis(deps, found, open);
        summary.known.push(open as IncidentReport);
        break;
      case 'recur': {
        const updated = await deps.store.update((open as IncidentReport).id, (cur) =>
          cur.status === 'resolved' ? undefined : recordOccurrence(cur, found.detection, now.toISOString()));
        if (updated) {
          summary.recurred.push(updated);
          await refreshMessage(deps, updated, log);
        }
        if (plan.reanalyze) await enqueueAnalysis(deps, found, updated ?? open);
        break;
      }
    }
  }

  for (const report of await deps.store.listOpen()) {
    if (report.detection.namespace !== result.namespace) continue;
    const current = seen.get(report.fingerprint);
    if (!current && !opts.resolveMissing) continue;
    if (!shouldResolve(report, current?.pod, now, deps.quietMinutes)) continue;
    const outcome = await deps.store.resolve(report.id, now.toISOString());
    if (!outcome.ok) continue;
    summary.resolved.push(outcome.report);
    await deps.audit.append({ actor: 'system', action: 'incident_resolved', incidentId: report.id, outcome: 'resolved', details: { quietMinutes: deps.quietMinutes } });
    await refreshMessage(deps, outcome.report, deps.logger.child({ incidentId: report.id }));
  }
  return summary;
}

async function enqueueAnalysis(deps: TrackDeps, found: FoundIncident, existing: IncidentReport | undefined): Promise<void> {
  await deps.queue.enqueueAnalyze({
    incidentId: existing?.id,
    fingerprint: found.fingerprint,
    namespace: found.detection.namespace,
    pod: found.detection.pod,
    // The job id dedupes on this key: one analysis per incident and input change. A new incident
    // is keyed by its occurrence, so a recurrence after resolution is analyzed afresh.
    contextKey: deps.hash(existing
      ? `${existing.id}|${analysisKey(found.detection)}`
      : `new|${analysisKey(found.detection)}|${found.detection.lastTerminatedAt ?? ''}`),
    found,
  });
}

async function lastClosedIncident(store: IncidentStore, fingerprint: string): Promise<IncidentReport | undefined> {
  const history = await store.history({ fingerprint }, 5);
  const latest = [...history.incidents].sort((a, b) => b.lastSeen.localeCompare(a.lastSeen))[0];
  return latest ? store.get(latest.id) : undefined;
}

/** Re-renders the incident's message if it has one; a Slack failure is logged, never fatal. */
export async function refreshMessage(deps: { notifier: ChatNotifier | undefined }, report: IncidentReport, log: Logger): Promise<void> {
  if (!deps.notifier || !report.slack) return;
  try {
    await deps.notifier.updateIncident({ ...report, slack: report.slack });
  } catch (err) {
    log.warn({ err: { code: (err as { code?: string }).code, message: (err as Error).message } }, 'could not update the incident message');
  }
}
