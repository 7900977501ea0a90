// The workload a pod belongs to, guessed from the pod's own ownerReference without API calls.
// The cluster adapter follows owners precisely; this is the offline best effort (dumps, tests).
import type { OwnerRef, PodSnapshot, WorkloadRef } from '../model.ts';

/** The managing owner: the ownerReference marked controller, else the first one. */
export function controllerOwner(pod: Pick<PodSnapshot, 'ownerReferences'>): OwnerRef | undefined {
  return pod.ownerReferences.find((o) => o.controller === true) ?? pod.ownerReferences[0];
}

// pod-template-hash is a uint32's decimal digits mapped through Kubernetes' safe alphabet, which
// sends "0".."9" to exactly these ten characters; 6+ of them make a false match unlikely.
const TEMPLATE_HASH_SUFFIX = /^(.+)-[4-9bcdf]{6,10}$/;
// A CronJob names its Jobs <cronjob>-<scheduled time in minutes since the epoch>.
const CRONJOB_SUFFIX = /^(.+)-\d{8,10}$/;

export function workloadFromOwner(
  owner: OwnerRef | undefined,
  podName: string,
  labels?: Record<string, string>,
): WorkloadRef {
  if (!owner || owner.kind === 'Node') return { kind: 'Pod', name: podName }; // unowned or static pod
  if (owner.kind === 'ReplicaSet') {
    const hash = labels?.['pod-template-hash'];
    if (hash && owner.name.endsWith(`-${hash}`) && owner.name.length > hash.length + 1) {
      return { kind: 'Deployment', name: owner.name.slice(0, -(hash.length + 1)) };
    }
    const m = TEMPLATE_HASH_SUFFIX.exec(owner.name);
    return m?.[1] ? { kind: 'Deployment', name: m[1] } : { kind: owner.kind, name: owner.name };
  }
  if (owner.kind === 'Job') {
    const m = CRONJOB_SUFFIX.exec(owner.name);
    return m?.[1] ? { kind: 'CronJob', name: m[1] } : { kind: owner.kind, name: owner.name };
  }
  return { kind: owner.kind, name: owner.name };
}
