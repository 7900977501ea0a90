// Keeps the channel quiet: maps each detection to its one incident, queues analysis only for new
// incidents or ones whose diagnosis inputs changed, updates messages in place on recurrence, and
// resolves incidents that stayed quiet. Safe to run from several replicas at once: analysis jobs
// are deduplicated by id and incidents are claimed atomically by fingerprint.
import { analysisKey, isNewOccurrence, planTracking, recordOccurrence, shouldResolve } from '../core/incident/tracking.ts';
import { auditSubject } from '../core/audit/subject.ts';
import { ownsIncident } from '../core/cluster/cluster-ref.ts';
import { postIncidentOnce } from './post-incident.ts';
import { isMuted, unmute } from '../core/incident/attention.ts';
import { isAlertKind } from '../core/detection/family.ts';
import type { FoundIncident, IncidentKind, IncidentReport, IncidentSource } from '../core/model.ts';
import type { AuditLog, ChatNotifier, Clock, IncidentHistoryIndex, IncidentRecords, IncidentStore, JobQueue, Logger } from '../ports.ts';
import type { DetectResult } from './detect-namespace.ts';

export interface TrackDeps {
  /** Every part: tracking reads history, changes incidents and posts the ones not yet posted. */
  store: IncidentStore;
  queue: JobQueue;
  notifier: ChatNotifier | undefined;
  audit: AuditLog;
  clock: Clock;
  logger: Logger;
  hash: (text: string) => string;
  quietMinutes: number;
  /** Whether the policy in force reports this kind of incident in that namespace (default: all). */
  reported?: (namespace: string, kind: IncidentKind) => boolean;
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
  /** Where this batch came from; a found incident that names no source of its own gets this one. */
  source: IncidentSource;
  /** Kinds this scan could not judge (Prometheus failed): their open incidents are kept as they are. */
  unjudged?: readonly IncidentKind[];
}

// Conditions rather than events: still detected means still an incident, however quiet.
const ONGOING: ReadonlySet<IncidentKind> = new Set(['MemoryLeakForecast', 'CpuThrottling']);

export async function trackScan(deps: TrackDeps, result: DetectResult, opts: TrackOptions): Promise<TrackSummary> {
  const summary: TrackSummary = { namespace: result.namespace, podsChecked: result.podsChecked, queuedNew: [], recurred: [], known: [], resolved: [] };
  const now = deps.clock.now();
  const seen = new Map<string, FoundIncident>();

  for (const batchFound of result.found) {
    const found: FoundIncident = batchFound.source ? batchFound : { ...batchFound, source: opts.source };
    // A family the namespace's policy turned off is not tracked: no post, no analysis.
    if (deps.reported && !deps.reported(found.detection.namespace, found.detection.kind)) continue;
    seen.set(found.fingerprint, found);
    const open = await deps.store.findOpenByFingerprint(found.fingerprint);
    const lastClosed = open ? undefined : await lastClosedIncident(deps.store, found.fingerprint);
    const plan = planTracking(found.detection, open, lastClosed, deps.hash);
    const log = deps.logger.child({ fingerprint: found.fingerprint, plan: plan.type });

    if (await isSilenced(deps, found, open, now, log)) {
      // Muted and unchanged in form: counted, never posted, updated or analyzed.
      if (open && plan.type === 'recur') {
        const counted = await deps.store.update(open.id, (cur) =>
          cur.status === 'resolved' || !isNewOccurrence(cur.detection, found.detection) ? undefined : recordOccurrence(cur, found.detection, now.toISOString()));
        summary.known.push(counted ?? open);
      } else if (open) {
        summary.known.push(open);
      }
      continue;
    }

    // An incident whose first post failed (Slack down, bot not yet in the channel) is posted now.
    if (open && !open.slack && deps.notifier) {
      await postIncidentOnce({ ...deps, notifier: deps.notifier }, open).catch((err: unknown) =>
        log.warn({ err: (err as Error).message }, 'incident still not posted; will retry on the next scan'));
    }

    switch (plan.type) {
      case 'already-covered':
        break;
      case 'new':
        await enqueueAnalysis(deps, found, undefined);
        summary.queuedNew.push(found.fingerprint);
        log.info({ pod: found.detection.pod, kind: found.detection.kind }, 'new incident queued for analysis');
        break;
      case 'unchanged':
        summary.known.push(open as IncidentReport);
        break;
      case 'reanalyze':
        // A decided incident keeps the analysis it was decided on.
        if ((open as IncidentReport).status === 'open') await enqueueAnalysis(deps, found, open);
        summary.known.push(open as IncidentReport);
        break;
      case 'recur': {
        const current = open as IncidentReport;
        if (plan.reanalyze && current.status !== 'open') {
          // It crashed again after the decision, with other limits (the change was applied, or
          // another one): that is a new incident, linked to the decided one.
          await supersede(deps, current, now);
          await enqueueAnalysis(deps, found, undefined);
          summary.queuedNew.push(found.fingerprint);
          break;
        }
        // Re-checked on the fresh copy: a watch event and a scan may see the same OOM at once.
        const updated = await updateIfChanged(deps.store, current.id, (cur) =>
          cur.status === 'resolved' || !isNewOccurrence(cur.detection, found.detection) ? undefined : recordOccurrence(cur, found.detection, now.toISOString()));
        if (updated) {
          summary.recurred.push(updated);
          await refreshMessage(deps, updated, log);
        }
        if (plan.reanalyze) await enqueueAnalysis(deps, found, updated ?? current);
        break;
      }
    }
  }

  for (const report of await deps.store.listOpenIn(result.namespace)) {
    // Namespaces of the same name in other clusters are theirs to resolve.
    if (report.detection.namespace !== result.namespace || !ownsIncident(result.clusterRef, report)) continue;
    // An incident an alert opened is resolved by the alert's own resolved notification.
    if (isAlertKind(report.detection.kind)) continue;
    const current = seen.get(report.fingerprint);
    if (!current && !opts.resolveMissing) continue;
    // A leak forecast that is still projected (or throttling still measured) is still an incident, however quiet.
    if (current && ONGOING.has(current.detection.kind)) continue;
    if (!current && opts.unjudged?.includes(report.detection.kind)) continue;
    if (!shouldResolve(report, current?.pod, now, deps.quietMinutes)) continue;
    const resolved = await resolveIncident(deps, report, now, 'resolved', { quietMinutes: deps.quietMinutes });
    if (resolved) summary.resolved.push(resolved);
  }
  return summary;
}

/**
 * True while the fingerprint is muted and the incident is in the form it was muted in. A new form
 * (another kind, other limits: its analysis key changed) ends the mute, and says so in the audit.
 */
async function isSilenced(deps: TrackDeps, found: FoundIncident, open: IncidentReport | undefined, now: Date, log: Logger): Promise<boolean> {
  const m = await deps.store.getMute(found.fingerprint);
  if (!m || !isMuted(m, now)) return false;
  if (m.analysisKey === analysisKey(found.detection)) return true;
  await deps.store.clearMute(found.fingerprint);
  if (open?.mute) await deps.store.update(open.id, (cur) => (cur.mute ? unmuteReport(cur) : undefined));
  await deps.audit.append({
    actor: 'system',
    action: 'unmuted',
    ...(open ? { incidentId: open.id } : {}),
    subject: auditSubject(found),
    outcome: 'unmuted: it came back in a new form',
    details: { mutedBy: m.userId, mutedUntil: m.until },
  });
  log.info({ kind: found.detection.kind }, 'mute ended: the incident came back in a new form');
  return false;
}

function unmuteReport(r: IncidentReport): IncidentReport | undefined {
  const result = unmute(r);
  return result.ok ? result.report : undefined;
}

/** Resolves an incident, records it in the audit trail and repaints its message; undefined when it was no longer active. */
export async function resolveIncident(deps: Pick<TrackDeps, 'store' | 'audit' | 'notifier' | 'logger'>, report: IncidentReport, now: Date, outcome: string, details: Record<string, string | number>): Promise<IncidentReport | undefined> {
  const result = await deps.store.resolve(report.id, now.toISOString());
  if (!result.ok) return undefined;
  await deps.audit.append({ actor: 'system', action: 'incident_resolved', incidentId: report.id, subject: auditSubject(report), outcome, details });
  await refreshMessage(deps, result.report, deps.logger.child({ incidentId: report.id }));
  return result.report;
}

/** Closes a decided incident that recurred under changed limits, so a new one can take its place. */
async function supersede(deps: TrackDeps, report: IncidentReport, now: Date): Promise<void> {
  await resolveIncident(deps, report, now, 'superseded: it recurred after the decision with changed limits', { decision: report.status });
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

async function lastClosedIncident(store: IncidentRecords & IncidentHistoryIndex, fingerprint: string): Promise<IncidentReport | undefined> {
  const history = await store.history({ fingerprint }, 5);
  const latest = [...history.incidents].sort((a, b) => b.lastSeen.localeCompare(a.lastSeen))[0];
  return latest ? store.get(latest.id) : undefined;
}

/**
 * The store's read-modify-write, answering only with a report it changed: undefined when `change`
 * declined on the stored copy (someone else got there first), where the store hands back the
 * stored report as it is.
 */
export async function updateIfChanged(store: IncidentRecords, id: string, change: (current: IncidentReport) => IncidentReport | undefined): Promise<IncidentReport | undefined> {
  let changed = false;
  const report = await store.update(id, (current) => {
    const next = change(current);
    changed = next !== undefined;
    return next;
  });
  return changed ? report : undefined;
}

/** Re-renders the incident's message if it has one; a Slack failure is logged, never fatal. */
export async function refreshMessage(deps: { notifier: ChatNotifier | undefined; store: IncidentRecords }, report: IncidentReport, log: Logger): Promise<void> {
  if (!deps.notifier || !report.slack) return;
  try {
    // Render what is stored now: a decision taken meanwhile must not be painted over.
    const fresh = (await deps.store.get(report.id)) ?? report;
    await deps.notifier.updateIncident({ ...fresh, slack: fresh.slack ?? report.slack });
  } catch (err) {
    log.warn({ err: { code: (err as { code?: string }).code, message: (err as Error).message } }, 'could not update the incident message');
  }
}
