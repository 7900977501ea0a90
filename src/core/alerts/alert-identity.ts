// Which incident an alert is: a stable fingerprint from its name and the labels that say what it
// is about, so Alertmanager's redeliveries, repeats and grouped re-sends of one alert land on one
// incident. Alertmanager's own fingerprint hashes every label, including ones that change while
// the trouble stays the same: the scraping Prometheus replica, and, for an alert about a pod or
// a node, the scrape target (kube-state-metrics' instance, endpoint, job and service change when
// it restarts or is rescheduled). Those are left out; every other label, severity included, is
// kept, so two alerts Alertmanager holds apart at once are never merged into one incident (each
// one's resolution resolves only its own).
import { fnv1a64 } from '../hash.ts';

const REPLICA_LABELS: ReadonlySet<string> = new Set(['prometheus', 'prometheus_replica', 'replica']);
const SCRAPE_TARGET_LABELS: ReadonlySet<string> = new Set(['instance', 'endpoint', 'job', 'service']);

/**
 * The canonical string an alert's fingerprint hashes; exposed for logs and tests. `cluster` is
 * the fingerprint scope of a named cluster (cluster-ref.ts), so clusters sharing one Redis never
 * share an alert incident.
 */
export function alertIdentityKey(labels: Readonly<Record<string, string>>, cluster?: string): string {
  const aboutObject = Boolean(labels.pod || labels.node);
  const kept = Object.entries(labels)
    .filter(([k]) => !REPLICA_LABELS.has(k) && !(aboutObject && SCRAPE_TARGET_LABELS.has(k)))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify(cluster === undefined ? ['alert-v1', kept] : ['alert-v1', kept, cluster]);
}

/** "alert-3f9a0c1d2b4e5f60": the fingerprint of the incident an alert opens. */
export function alertFingerprint(labels: Readonly<Record<string, string>>, hash: (s: string) => string = fnv1a64, cluster?: string): string {
  return `alert-${hash(alertIdentityKey(labels, cluster))}`;
}
