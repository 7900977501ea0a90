// The incident store's key layout. Every part of the store builds its keys here, so what one part
// writes the others (and data written by earlier versions) keep finding.
//
// Keys under `prefix`:
//   incident:{id}                hash {json, version, status, fingerprint}
//   fp:{fingerprint}             id of the active (not resolved) incident for that fingerprint
//   active                       zset of active incident ids, by firstSeen
//   active:ns:{namespace}        the same, for one namespace (what a scan of it reads)
//   active:ns-indexed            set once the incidents stored before that index were added to it
//   hist:fp:{fingerprint}        zset of incident ids, by firstSeen (capped)
//   hist:wl:{ns}/{kind}/{name}   zset of incident ids of a workload, by firstSeen (capped)
//   recent                       zset of all incident ids, open or closed, by firstSeen (capped)
//   thread:{channel}:{ts}        incident id of a Slack thread root
//   turns:{id}                   list of thread turns (JSON), capped by the caller's max
//   seen:{key}                   dedup markers
//   mute:{fingerprint}           a muted fingerprint (JSON), expiring when the mute ends
//   alert-fold:{fingerprint}     an alert folded into a flood summary, expiring with the fold
// Every incident-related key expires `retentionDays` after its last write; history indexes drop
// ids whose incident has expired when they are read.
import type { IncidentReport } from '../../core/model.ts';

/** `prefix` is e.g. "kube-ai-sre:"; tests use a unique one. A trailing ":" is added if missing. */
export function incidentKeys(prefix: string) {
  const p = prefix.endsWith(':') ? prefix : `${prefix}:`;
  const workloadHistory = (ns: string, kind: string, name: string) => `${p}hist:wl:${ns}/${kind}/${name}`;
  return {
    incident: (id: string) => `${p}incident:${id}`,
    incidentPrefix: `${p}incident:`,
    fingerprint: (fp: string) => `${p}fp:${fp}`,
    active: `${p}active`,
    activeIn: (namespace: string) => `${p}active:ns:${namespace}`,
    activeIndexed: `${p}active:ns-indexed`,
    recent: `${p}recent`,
    fpHistory: (fp: string) => `${p}hist:fp:${fp}`,
    workloadHistory,
    /** The workload history index a report belongs to. */
    workloadOf: (r: IncidentReport) => workloadHistory(r.detection.namespace, r.workload.kind, r.workload.name),
    thread: (channel: string, ts: string) => `${p}thread:${channel}:${ts}`,
    turns: (id: string) => `${p}turns:${id}`,
    seen: (k: string) => `${p}seen:${k}`,
    mute: (fp: string) => `${p}mute:${fp}`,
    alertFold: (fp: string) => `${p}alert-fold:${fp}`,
  };
}

export type IncidentKeys = ReturnType<typeof incidentKeys>;

const DAY_SECONDS = 86_400;

/** INCIDENT_RETENTION_DAYS (default 30) as the TTL in seconds of every incident-related key. */
export function retentionSeconds(retentionDays = 30): number {
  return Math.max(1, Math.round(retentionDays * DAY_SECONDS));
}
