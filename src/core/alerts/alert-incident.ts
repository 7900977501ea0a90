// Turns one Alertmanager alert the rules do not flag into an incident of its own: a detection of
// the alert kind of its family, whose facts are the alert's labels and annotations. They are
// untrusted text: control characters removed, secrets redacted, each cut to a line and all of
// them to a budget, here at the boundary, so the store, the LLM prompt and Slack only ever see
// the safe form (Slack escaping is the renderer's).
import type { Detection, FoundIncident, PodSnapshot, WorkloadRef } from '../model.ts';
import { ALERT_KINDS } from '../detection/family.ts';
import { redact } from '../context/redact.ts';
import { alertFamily } from './alert-family.ts';
import { alertFingerprint } from './alert-identity.ts';
import type { WebhookAlert } from './webhook-payload.ts';
import { fingerprintScope, type ClusterRef } from '../cluster/cluster-ref.ts';

/** The namespace of an alert about no namespace (a node, the cluster): not a valid name, so it never clashes with one. */
export const CLUSTER_SCOPE = '(cluster)';

export const ALERT_FACT_LIMITS = {
  /** Characters of one fact (label or annotation line). */
  factChars: 300,
  /** Facts kept (labels first, then annotations). */
  facts: 24,
  /** Characters of all facts together. */
  totalChars: 4000,
  /** Characters of the one-line reason (alert name and summary). */
  reasonChars: 200,
  /** Characters of a name taken from a label (pod, container, node, alert name). */
  nameChars: 253,
} as const;

// Annotations people write for humans, most useful first; other annotations follow, sorted.
const ANNOTATION_ORDER = ['summary', 'description', 'message', 'runbook_url'];
// Shown in the reason or the message's fields already.
const SHOWN_ELSEWHERE: ReadonlySet<string> = new Set(['alertname']);

// eslint-disable-next-line no-control-regex -- removing control codes is the point
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g;

/** One clean line: control and bidi characters gone, whitespace folded, secrets redacted, capped. */
export function cleanAlertText(text: string, max: number): string {
  const flat = redact(text.replace(CONTROL, ' ').replace(/\s+/g, ' ').trim()).text;
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** What an alert names of the cluster, from its labels (cleaned; empty when absent). */
export interface AlertTarget {
  alertname: string;
  /** The alert's namespace, or CLUSTER_SCOPE. */
  namespace: string;
  pod: string;
  container: string;
  node: string;
}

export function alertTarget(alert: WebhookAlert): AlertTarget {
  const name = (key: string) => cleanAlertText(alert.labels[key] ?? '', ALERT_FACT_LIMITS.nameChars);
  return {
    // An incident's source names its alert in at most 200 characters.
    alertname: cleanAlertText(alert.labels.alertname ?? '', 200),
    namespace: name('namespace') || CLUSTER_SCOPE,
    pod: name('pod'),
    container: name('container'),
    node: name('node'),
  };
}

/** When the alert started, as an ISO timestamp (Alertmanager sends nanoseconds; they are dropped). */
export function alertStartedAt(alert: WebhookAlert): string {
  return new Date(Date.parse(alert.startsAt)).toISOString();
}

/** The alert's labels and annotations as facts, within the limits. */
export function alertFacts(alert: WebhookAlert): string[] {
  const L = ALERT_FACT_LIMITS;
  const labels = Object.entries(alert.labels)
    .filter(([k]) => !SHOWN_ELSEWHERE.has(k))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `label ${cleanAlertText(k, 100)}=${cleanAlertText(v, L.factChars)}`);
  const rank = (k: string) => (ANNOTATION_ORDER.includes(k) ? ANNOTATION_ORDER.indexOf(k) : ANNOTATION_ORDER.length);
  const annotations = Object.entries(alert.annotations)
    .filter(([, v]) => v.trim() !== '')
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
    .map(([k, v]) => `annotation ${cleanAlertText(k, 100)}: ${cleanAlertText(v, L.factChars)}`);
  const all = [`alert ${cleanAlertText(alert.labels.alertname ?? '', L.nameChars)} firing since ${alertStartedAt(alert)}`, ...annotations, ...labels]
    .map((f) => (f.length > L.factChars ? `${f.slice(0, L.factChars - 1)}…` : f));
  const kept: string[] = [];
  let used = 0;
  for (const fact of all) {
    if (kept.length >= L.facts - 1 || used + fact.length > L.totalChars) break;
    kept.push(fact);
    used += fact.length;
  }
  if (kept.length < all.length) kept.push(`… ${all.length - kept.length} more labels and annotations not kept`);
  return kept;
}

/** "KubeMemoryOvercommit: Cluster has overcommitted memory resource requests." */
export function alertReason(alert: WebhookAlert): string {
  const a = alert.annotations;
  const summary = a.summary || a.message || a.description || '';
  const name = alert.labels.alertname ?? '';
  return cleanAlertText(summary ? `${name}: ${summary}` : name, ALERT_FACT_LIMITS.reasonChars);
}

export interface AlertIncidentInput {
  alert: WebhookAlert;
  /** The pod the alert names, when it exists and could be read. */
  pod?: PodSnapshot;
  /** That pod's workload, when it exists. */
  workload?: WorkloadRef;
  hash?: (s: string) => string;
  /** The agent's cluster: named ones scope the fingerprint, and every incident says where it is. */
  cluster?: ClusterRef;
}

/** The incident an alert opens on its own: its own kind, facts and fingerprint. */
export function alertIncident(input: AlertIncidentInput): FoundIncident {
  const { alert } = input;
  const t = alertTarget(alert);
  const container = input.pod?.containers.find((c) => c.name === t.container);
  const nodeName = t.node || input.pod?.nodeName;
  const detection: Detection = {
    kind: ALERT_KINDS[alertFamily(alert.labels)],
    namespace: t.namespace,
    pod: t.pod,
    container: t.container,
    containerType: container?.type ?? 'app',
    ...(nodeName ? { nodeName } : {}),
    reason: alertReason(alert),
    restartCount: container?.restartCount ?? 0,
    ...(container?.memoryRequest ? { memoryRequest: container.memoryRequest } : {}),
    ...(container?.memoryLimit ? { memoryLimit: container.memoryLimit } : {}),
    // A redelivery starts at the same time (no new occurrence); a re-fire after resolution later.
    lastTerminatedAt: alertStartedAt(alert),
    facts: alertFacts(alert),
  };
  const workload: WorkloadRef = input.workload
    ?? (t.pod ? { kind: 'Pod', name: t.pod } : t.node ? { kind: 'Node', name: t.node } : { kind: 'Alert', name: t.alertname });
  const pod: PodSnapshot = input.pod ?? {
    namespace: t.namespace, name: t.pod, labels: {}, ownerReferences: [], containers: [], ...(t.node ? { nodeName: t.node } : {}),
  };
  return {
    ...(input.cluster ? { cluster: input.cluster.name } : {}),
    detection,
    workload,
    fingerprint: alertFingerprint(alert.labels, input.hash, fingerprintScope(input.cluster)),
    pod,
    source: { kind: 'alert', name: t.alertname },
  };
}
