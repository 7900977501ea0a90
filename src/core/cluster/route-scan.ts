// Where `/sre scan` goes when several clusters share one Slack app: `<cluster>/<namespace>`
// names the cluster; a plain namespace is enough when one cluster is live or only one live
// cluster has that namespace. Anything else gets a plain answer, never silence.
import type { ClusterRef } from './cluster-ref.ts';
import type { ClusterStatus } from './heartbeat.ts';

export interface ScanTarget {
  namespace: string;
  cluster?: string;
}

export type ScanRoute =
  | { ok: true; cluster: ClusterRef; namespace: string }
  /** The named cluster has no live agent (it had one, or was never seen). */
  | { ok: false; reason: 'no_live_agent'; cluster: string; lastBeat?: string; live: string[] }
  /** No cluster is live at all. */
  | { ok: false; reason: 'no_cluster'; namespace: string }
  /** Several live clusters could be meant. */
  | { ok: false; reason: 'which_cluster'; namespace: string; candidates: string[]; live: string[] };

export function routeScan(target: ScanTarget, clusters: readonly ClusterStatus[]): ScanRoute {
  const live = clusters.filter((c) => c.live);
  const liveNames = live.map((c) => c.name);
  const ref = (c: ClusterStatus): ClusterRef => ({ name: c.name, named: c.named });
  if (target.cluster !== undefined) {
    const found = live.find((c) => c.name === target.cluster);
    if (found) return { ok: true, cluster: ref(found), namespace: target.namespace };
    const gone = clusters.find((c) => c.name === target.cluster);
    return { ok: false, reason: 'no_live_agent', cluster: target.cluster, ...(gone ? { lastBeat: gone.lastBeat } : {}), live: liveNames };
  }
  if (live.length === 0) return { ok: false, reason: 'no_cluster', namespace: target.namespace };
  if (live.length === 1) return { ok: true, cluster: ref(live[0]!), namespace: target.namespace };
  const having = live.filter((c) => c.namespaces.includes(target.namespace));
  if (having.length === 1) return { ok: true, cluster: ref(having[0]!), namespace: target.namespace };
  return { ok: false, reason: 'which_cluster', namespace: target.namespace, candidates: having.map((c) => c.name), live: liveNames };
}
