// The alert job: one Alertmanager notification through the same pipeline as scans and the pod
// watch. A firing alert about a pod is checked by the same rules first: when they flag the pod,
// the alert joins the rules' incident (tracked like a watch event: never a second message; the
// message shows that the alert fired too). An
// alert the rules cannot map or do not flag opens an incident of its own, analyzed and posted
// like any other; its resolved notification resolves it (and only it). A flood is bounded: the
// most severe few open incidents, the rest fold into one summary message.
import { isAppError } from '../core/errors.ts';
import type { AlertJob } from '../core/jobs.ts';
import type { FoundIncident, IncidentReport, PodSnapshot, WorkloadRef } from '../core/model.ts';
import { auditSubject } from '../core/audit/subject.ts';
import { joinAlert, joinedAlerts } from '../core/incident/joined-alerts.ts';
import { DETECTION_RULES, detectIncidents } from '../core/detection/registry.ts';
import type { DetectionRule } from '../core/detection/rule.ts';
import { isAlertKind } from '../core/detection/family.ts';
import { controllerOwner } from '../core/kube/workload.ts';
import { alertFingerprint } from '../core/alerts/alert-identity.ts';
import { alertIncident, alertStartedAt, alertTarget, CLUSTER_SCOPE, type AlertTarget } from '../core/alerts/alert-incident.ts';
import { planAlertFlood } from '../core/alerts/alert-flood.ts';
import { fingerprintScope } from '../core/cluster/cluster-ref.ts';
import type { WebhookAlert } from '../core/alerts/webhook-payload.ts';
import { alertFloodSummaryText } from '../core/render/alert-flood-summary.ts';
import type { AlertFolds, ClusterReader } from '../ports.ts';
import { detectPods } from './detect-namespace.ts';
import { refreshMessage, resolveIncident, trackScan, updateIfChanged, type TrackDeps } from './track-scan.ts';

export interface AlertJobDeps extends TrackDeps {
  cluster: ClusterReader;
  folds: AlertFolds;
  /** New alert incidents one notification may open; the rest fold into one summary message. */
  maxNewIncidents: number;
  /** How long a folded alert stays folded while Alertmanager re-sends it. */
  foldSeconds: number;
  /** Namespaces whose pods may be read; empty means every namespace. */
  namespaces: ReadonlySet<string>;
  /** The rules with the namespace's policy thresholds; absent: the defaults. */
  rulesFor?: (namespace: string) => readonly DetectionRule[];
}

/** What became of each alert of a notification (counted in /metrics). */
export type AlertOutcome = 'joined' | 'opened' | 'known' | 'resolved' | 'folded' | 'ignored';

export interface AlertJobSummary {
  outcomes: Record<AlertOutcome, number>;
  /** Fingerprints of the alert incidents queued for analysis. */
  opened: string[];
  /** Whether a flood summary message was posted. */
  floodSummary: boolean;
}

/** Alerts that always fire by design (a dead man's switch, an inhibition helper): never incidents. */
const META_ALERTS: ReadonlySet<string> = new Set(['Watchdog', 'InfoInhibitor', 'DeadMansSwitch']);

interface Keyed {
  alert: WebhookAlert;
  fingerprint: string;
  target: AlertTarget;
}

export async function runAlertJob(deps: AlertJobDeps, job: AlertJob): Promise<AlertJobSummary> {
  const outcomes: Record<AlertOutcome, number> = { joined: 0, opened: 0, known: 0, resolved: 0, folded: 0, ignored: 0 };
  const summary: AlertJobSummary = { outcomes, opened: [], floodSummary: false };
  const log = deps.logger.child({ receiver: job.payload.receiver, groupKey: job.payload.groupKey });

  // One entry per alert identity. Within one notification a firing alert wins over a resolved
  // one of the same identity (its labels changed only where the identity ignores them).
  const byFp = new Map<string, Keyed>();
  for (const alert of job.payload.alerts) {
    if (META_ALERTS.has(alert.labels.alertname ?? '')) {
      outcomes.ignored++;
      continue;
    }
    const keyed = { alert, fingerprint: alertFingerprint(alert.labels, undefined, fingerprintScope(deps.cluster.clusterRef)), target: alertTarget(alert) };
    const prev = byFp.get(keyed.fingerprint);
    if (!prev || prefer(alert, prev.alert)) byFp.set(keyed.fingerprint, keyed);
    else outcomes.known++;
  }
  const firing = [...byFp.values()].filter((k) => k.alert.status === 'firing');
  const resolved = [...byFp.values()].filter((k) => k.alert.status === 'resolved');

  for (const k of resolved) {
    outcomes[(await resolveAlertIncident(deps, k)) ? 'resolved' : 'known']++;
  }
  // A folded alert that resolved is folded no more: if it fires again, that is news.
  await deps.folds.unfold(resolved.map((k) => k.fingerprint));

  // Pods named by firing alerts, read once per namespace, then the same rules as a scan.
  const readable = (k: Keyed) => Boolean(k.target.pod) && k.target.namespace !== CLUSTER_SCOPE && (deps.namespaces.size === 0 || deps.namespaces.has(k.target.namespace));
  const own: Array<{ keyed: Keyed; pod?: PodSnapshot }> = firing.filter((k) => !readable(k)).map((keyed) => ({ keyed }));
  for (const [namespace, keyed] of groupBy(firing.filter(readable), (k) => k.target.namespace)) {
    const pods = await podsOf(deps.cluster, namespace);
    const named = new Map(pods.map((p) => [p.name, p]));
    const rules = deps.rulesFor?.(namespace) ?? DETECTION_RULES;
    const flagged: PodSnapshot[] = [];
    for (const k of keyed) {
      const pod = named.get(k.target.pod);
      if (pod && flaggedByRules(pod, k.target.container, rules)) {
        if (!flagged.includes(pod)) flagged.push(pod);
        outcomes.joined++;
      } else {
        own.push({ keyed: k, ...(pod ? { pod } : {}) });
      }
    }
    if (flagged.length > 0) {
      const detected = await detectPods(deps.cluster, namespace, flagged, [], rules);
      // Each rule incident found for an alert's pod says which alert brought it (when it is new).
      const alertsOf = (f: FoundIncident): string[] => keyed
        .filter((k) => k.target.pod === f.detection.pod && (!k.target.container || k.target.container === f.detection.container || f.detection.container === ''))
        .map((k) => k.target.alertname);
      detected.found = detected.found.map((f) => ({ ...f, source: { kind: 'alert', name: alertsOf(f)[0] ?? keyed[0]!.target.alertname } }));
      await trackScan(deps, detected, { resolveMissing: false, source: { kind: 'alert' } });
      // One already stored shows that these alerts fired about it too (a new one names its alert as its source).
      for (const f of detected.found) await joinAlerts(deps, f.fingerprint, alertsOf(f));
    }
  }

  // Alerts the rules do not flag: incidents of their own, bounded per notification.
  const workloads = await workloadsOf(deps.cluster, own.flatMap((o) => (o.pod ? [o.pod] : [])));
  const found = own.map((o) => ({
    keyed: o.keyed,
    found: alertIncident({
      alert: o.keyed.alert,
      ...(o.pod ? { pod: o.pod, workload: workloads.get(o.pod) } : {}),
      ...(deps.cluster.clusterRef ? { cluster: deps.cluster.clusterRef } : {}),
    }),
  }));
  const fresh: typeof found = [];
  const tracked: FoundIncident[] = [];
  for (const f of found) {
    if (await deps.store.findOpenByFingerprint(f.found.fingerprint)) {
      tracked.push(f.found); // counted as known below
    } else {
      fresh.push(f);
    }
  }
  const foldedBefore = await deps.folds.folded(fresh.map((f) => f.found.fingerprint));
  const candidates = fresh.filter((f) => !foldedBefore.has(f.found.fingerprint)).map((f) => ({
    ...f, fingerprint: f.found.fingerprint, severity: f.keyed.alert.labels.severity, startsAt: alertStartedAt(f.keyed.alert),
  }));
  outcomes.folded += fresh.length - candidates.length;
  const plan = planAlertFlood(candidates, deps.maxNewIncidents);
  tracked.push(...plan.open.map((c) => c.found));
  if (plan.fold.length > 0) {
    await deps.folds.fold(plan.fold.map((c) => c.fingerprint), deps.foldSeconds);
    outcomes.folded += plan.fold.length;
    summary.floodSummary = await postFloodSummary(deps, job, plan.open.length, plan.fold.map((c) => c.keyed), firing.length);
    log.warn({ firing: firing.length, opened: plan.open.length, folded: plan.fold.length }, 'alert flood: the rest of the new alerts folded into one summary');
  }

  for (const [namespace, group] of groupBy(tracked, (f) => f.detection.namespace)) {
    const batch = { namespace, ...(deps.cluster.clusterRef ? { clusterRef: deps.cluster.clusterRef } : {}), podsChecked: 0, pods: [], found: group };
    const result = await trackScan(deps, batch, { resolveMissing: false, source: { kind: 'alert' } });
    summary.opened.push(...result.queuedNew);
    outcomes.opened += result.queuedNew.length;
    outcomes.known += group.length - result.queuedNew.length;
  }
  log.info({ alerts: job.payload.alerts.length, ...outcomes }, 'Alertmanager notification processed');
  return summary;
}

/** Keeps the alerts' names on the open incident, audits it and repaints its message; a redelivery changes nothing. */
async function joinAlerts(deps: AlertJobDeps, fingerprint: string, alertnames: string[]): Promise<void> {
  const open = await deps.store.findOpenByFingerprint(fingerprint);
  if (!open) return; // new: its analysis is queued and its source names the alert
  const joinAll = (report: IncidentReport): IncidentReport | undefined =>
    alertnames.reduce<IncidentReport | undefined>((cur, name) => joinAlert(cur ?? report, name) ?? cur, undefined);
  const updated = await updateIfChanged(deps.store, open.id, (cur) => (cur.status === 'resolved' ? undefined : joinAll(cur)));
  if (!updated) return;
  const added = joinedAlerts(updated).filter((a) => !joinedAlerts(open).includes(a));
  await deps.audit.append({ actor: 'system', action: 'incident_updated', incidentId: open.id, subject: auditSubject(open), outcome: 'alert joined', details: { alerts: added.join(', ') } });
  await refreshMessage(deps, updated, deps.logger.child({ incidentId: open.id }));
}

/** The newer of two alerts of one identity, a firing one before a resolved one. */
function prefer(next: WebhookAlert, current: WebhookAlert): boolean {
  if (next.status !== current.status) return next.status === 'firing';
  return alertStartedAt(next) > alertStartedAt(current);
}

/**
 * Resolves the incident this alert opened: an alert incident (one the rules opened is theirs to
 * resolve), and only when it is the same firing or a later one (a late resolved notification of
 * an earlier firing does not close a re-fire).
 */
async function resolveAlertIncident(deps: AlertJobDeps, k: Keyed): Promise<boolean> {
  const open = await deps.store.findOpenByFingerprint(k.fingerprint);
  if (!open || !isAlertKind(open.detection.kind)) return false;
  if ((open.detection.lastTerminatedAt ?? '') > alertStartedAt(k.alert)) return false;
  const resolved = await resolveIncident(deps, open, deps.clock.now(), 'resolved: Alertmanager reports the alert resolved', {
    alert: k.target.alertname,
    ...(k.alert.endsAt ? { endsAt: k.alert.endsAt } : {}),
  });
  return resolved !== undefined;
}

/** The pure rules flag this pod (its container, when the alert names one). */
function flaggedByRules(pod: PodSnapshot, container: string, rules: readonly DetectionRule[]): boolean {
  return detectIncidents([pod], rules).some((d) => !container || d.container === container || d.container === '');
}

/** A namespace the agent may not read (or that is gone) holds no pod the rules could flag. */
async function podsOf(cluster: ClusterReader, namespace: string): Promise<PodSnapshot[]> {
  try {
    return await cluster.listPods(namespace);
  } catch (err) {
    if (isAppError(err, 'k8s_forbidden') || isAppError(err, 'k8s_not_found')) return [];
    throw err; // the API server is down: the job retries, rather than opening duplicates of rule incidents
  }
}

async function workloadsOf(cluster: ClusterReader, pods: PodSnapshot[]): Promise<Map<PodSnapshot, WorkloadRef>> {
  const out = new Map<PodSnapshot, WorkloadRef>();
  for (const [namespace, group] of groupBy(pods, (p) => p.namespace)) {
    const lookups = group.map((p) => ({ owner: controllerOwner(p), podName: p.name }));
    const refs = await (cluster.resolveWorkloads
      ? cluster.resolveWorkloads(namespace, lookups)
      : Promise.all(lookups.map((l) => cluster.resolveWorkload(namespace, l.owner, l.podName)))).catch(() => undefined);
    group.forEach((p, i) => {
      const ref = refs?.[i];
      if (ref) out.set(p, ref);
    });
  }
  return out;
}

async function postFloodSummary(deps: AlertJobDeps, job: AlertJob, opened: number, folded: Keyed[], firing: number): Promise<boolean> {
  if (!deps.notifier) return false;
  const text = alertFloodSummaryText({
    firing,
    opened,
    folded: folded.map((k) => ({ alertname: k.target.alertname, namespace: k.target.namespace, ...(k.alert.labels.severity ? { severity: k.alert.labels.severity } : {}) })),
    receiver: job.payload.receiver,
    groupLabels: job.payload.groupLabels,
  });
  try {
    await deps.notifier.postText(text);
    return true;
  } catch (err) {
    // The folds stand: a retry must not open what was folded. The summary is lost, and logged.
    deps.logger.warn({ err: (err as Error).message, folded: folded.length }, 'could not post the alert flood summary');
    return false;
  }
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = out.get(k);
    if (group) group.push(item);
    else out.set(k, [item]);
  }
  return out;
}
