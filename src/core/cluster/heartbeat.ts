// Clusters are discovered from the agents that report in: each agent writes a heartbeat (its
// cluster, version, start, last beat and the namespaces it scans) that expires unless renewed.
// A cluster is live while one of its agents' heartbeats is fresh.
import { z } from 'zod';

export const ClusterHeartbeatSchema = z.object({
  cluster: z.string().min(1).max(100),
  /** CLUSTER_NAME was set: its queues carry the name (see clusterQueueName). */
  named: z.boolean(),
  /** One running agent process (several replicas may serve one cluster). */
  instance: z.string().min(1).max(200),
  version: z.string().max(100),
  startedAt: z.string(),
  lastBeat: z.string(),
  namespaces: z.array(z.string()),
  /** True when the agent scans every namespace it may list (SCAN_NAMESPACES empty). */
  allNamespaces: z.boolean().optional(),
});
export type ClusterHeartbeat = z.infer<typeof ClusterHeartbeatSchema>;

/** One cluster as `/sre clusters` and scan routing see it. */
export interface ClusterStatus {
  name: string;
  named: boolean;
  live: boolean;
  /** The newest heartbeat of any of its agents. */
  lastBeat: string;
  /** Versions of its live agents (several during a rollout). */
  versions: string[];
  /** Live agents (replicas) of the cluster. */
  agents: number;
  startedAt?: string;
  namespaces: string[];
  allNamespaces: boolean;
}

/**
 * Folds heartbeats into clusters. A heartbeat is fresh while `lastBeat + ttlMs` is not past;
 * clusters only known from `lastSeen` (every agent gone) are listed as not live.
 */
export function clusterStatuses(beats: readonly ClusterHeartbeat[], lastSeen: ReadonlyMap<string, string>, now: Date, ttlMs: number): ClusterStatus[] {
  const fresh = (b: ClusterHeartbeat) => Date.parse(b.lastBeat) + ttlMs >= now.getTime();
  const byCluster = new Map<string, ClusterHeartbeat[]>();
  for (const b of beats) if (fresh(b)) byCluster.set(b.cluster, [...(byCluster.get(b.cluster) ?? []), b]);
  const out: ClusterStatus[] = [];
  for (const [name, live] of byCluster) {
    const newest = live.reduce((a, b) => (b.lastBeat > a.lastBeat ? b : a));
    const oldestStart = live.reduce((a, b) => (b.startedAt < a.startedAt ? b : a));
    out.push({
      name,
      named: newest.named,
      live: true,
      lastBeat: newest.lastBeat,
      versions: [...new Set(live.map((b) => b.version))].sort(),
      agents: live.length,
      startedAt: oldestStart.startedAt,
      namespaces: [...new Set(live.flatMap((b) => b.namespaces))].sort(),
      allNamespaces: live.some((b) => b.allNamespaces === true),
    });
  }
  for (const [name, lastBeat] of lastSeen) {
    if (!byCluster.has(name)) out.push({ name, named: true, live: false, lastBeat, versions: [], agents: 0, namespaces: [], allNamespaces: false });
  }
  return out.sort((a, b) => Number(b.live) - Number(a.live) || a.name.localeCompare(b.name));
}
