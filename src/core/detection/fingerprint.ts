// One stable id per incident: namespace + owning workload + container + problem group. Pods of
// the same Deployment (different hash suffixes) share it, and so do OOMKilled and OOMCrashLoop.
// Hashed with 64-bit FNV-1a (the core may not use Node's crypto module; this is an id, not a secret); callers
// may pass another hash. Output like "oom-3f9a0c1d2b4e5f60": URL, Redis-key and Slack safe.
import type { Detection, WorkloadRef } from '../model.ts';
import { fnv1a64 } from '../hash.ts';
import { problemGroup } from './family.ts';

export { workloadFromOwner } from '../kube/workload.ts';

/**
 * The canonical string the fingerprint hashes; exposed for logs and tests. A named cluster
 * (CLUSTER_NAME) leads the key; without one the key is the one stored fingerprints were made
 * from, so they stay valid.
 */
export function fingerprintKey(d: Detection, workload: WorkloadRef, cluster?: string): string {
  // A node is cluster-wide: the namespaces that see its evictions share its one incident.
  const parts = problemGroup(d.kind) === 'node'
    ? ['v1', '*', 'Node', d.nodeName ?? workload.name, '', 'node']
    : ['v1', d.namespace, workload.kind, workload.name, d.container, problemGroup(d.kind)];
  return JSON.stringify(cluster === undefined ? parts : ['cluster', cluster, ...parts]);
}

export function fingerprint(d: Detection, workload: WorkloadRef, hash: (s: string) => string = fnv1a64, cluster?: string): string {
  return `${problemGroup(d.kind)}-${hash(fingerprintKey(d, workload, cluster))}`;
}
