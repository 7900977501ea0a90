// Which cluster an agent watches. Every agent has a name (CLUSTER_NAME, else its kubeconfig's
// cluster, else "in-cluster"), shown on incidents and used to route work. Only an explicitly
// named cluster (`named`) scopes fingerprints and queues: an agent without CLUSTER_NAME keeps
// the fingerprints and queue names it always had, so a single-cluster install upgrades without
// its open incidents being posted again. Several clusters on one Redis each set CLUSTER_NAME.

/** The name an agent running inside a pod without CLUSTER_NAME goes by. */
export const IN_CLUSTER = 'in-cluster';

export interface ClusterRef {
  name: string;
  /** True when CLUSTER_NAME was set: fingerprints and queues carry the name. */
  named: boolean;
}

/** The fingerprint component of a cluster: its name when named, nothing otherwise. */
export function fingerprintScope(cluster: ClusterRef | undefined): string | undefined {
  return cluster?.named ? cluster.name : undefined;
}

/**
 * Whether an incident is this agent's to resolve. Reports stored before clusters were recorded
 * carry none: they stay everyone's, as they were.
 */
export function ownsIncident(self: ClusterRef | undefined, report: { cluster?: string | undefined }): boolean {
  return self === undefined || report.cluster === undefined || report.cluster === self.name;
}
