// Which agent runs a `/sre scan`: the clusters that report in (heartbeats in Redis) decide. The
// agent answering is live whatever Redis says, so its own cluster is always a candidate. When the
// heartbeats cannot be read, a scan of this agent's own cluster still goes ahead.
import type { ClusterRef } from '../core/cluster/cluster-ref.ts';
import type { ClusterStatus } from '../core/cluster/heartbeat.ts';
import { routeScan, type ScanRoute, type ScanTarget } from '../core/cluster/route-scan.ts';
import type { Clock, ClusterDirectory, Logger } from '../ports.ts';

export interface FindScanRouteDeps {
  /** Absent when the agent runs alone (no heartbeats kept): every scan is its own. */
  clusters?: ClusterDirectory | undefined;
  self?: ClusterRef | undefined;
  clock: Clock;
  logger: Logger;
}

export async function findScanRoute(deps: FindScanRouteDeps, target: ScanTarget): Promise<ScanRoute> {
  const self = deps.self;
  const mine = target.cluster === undefined || target.cluster === self?.name;
  if (!deps.clusters || !self) {
    if (mine) return { ok: true, cluster: self ?? { name: '', named: false }, namespace: target.namespace };
    return { ok: false, reason: 'no_live_agent', cluster: target.cluster!, live: self ? [self.name] : [] };
  }
  let known: ClusterStatus[];
  try {
    known = await deps.clusters.list();
  } catch (err) {
    if (!mine) throw err;
    deps.logger.warn({ err: (err as Error).message }, 'cluster heartbeats unreadable: scanning this agent\'s own cluster');
    return { ok: true, cluster: self, namespace: target.namespace };
  }
  const listed = known.find((c) => c.name === self.name);
  const withSelf = listed?.live
    ? known
    : [...known.filter((c) => c.name !== self.name), { name: self.name, named: self.named, live: true, lastBeat: deps.clock.now().toISOString(), versions: [], agents: 1, namespaces: [], allNamespaces: false }];
  return routeScan(target, withSelf);
}
