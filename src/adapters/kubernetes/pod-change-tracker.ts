// The change tracker for pods: which pod changes are new (see change-tracker.ts).
import type { PodSnapshot } from '../../core/model.ts';
import { createChangeTracker, type ChangeType } from './change-tracker.ts';

export { isNewerVersion } from './change-tracker.ts';
export type PodChangeType = ChangeType;

export interface PodChange {
  type: PodChangeType;
  pod: PodSnapshot;
}

export interface PodChangeTrackerOptions {
  /** Live pods remembered; past this the oldest are forgotten (a later re-list re-delivers them). */
  maxPods?: number;
  /** Deleted pod uids remembered, so a replayed DELETED or a late event is not delivered again. */
  maxDeleted?: number;
}

/**
 * What is kept of a live pod: who it is, not its state. A pod found deleted after a re-list is
 * delivered as this (nothing downstream reads the state of a deleted pod).
 */
export function podIdentity(pod: PodSnapshot): PodSnapshot {
  return { namespace: pod.namespace, name: pod.name, ...(pod.uid ? { uid: pod.uid } : {}), labels: {}, ownerReferences: [], containers: [] };
}

export interface PodChangeTracker {
  observe(type: PodChangeType, key: string, resourceVersion: string, parse: () => PodSnapshot): PodChange | undefined;
  deletedSince(listedKeys: ReadonlySet<string>): PodChange[];
  readonly size: number;
}

export function createPodChangeTracker(opts: PodChangeTrackerOptions = {}): PodChangeTracker {
  const tracker = createChangeTracker<PodSnapshot>({ maxLive: opts.maxPods, maxDeleted: opts.maxDeleted, keep: podIdentity });
  return {
    observe(type, key, resourceVersion, parse) {
      const change = tracker.observe(type, key, resourceVersion, parse);
      return change && { type: change.type, pod: change.item };
    },
    deletedSince: (listedKeys) => tracker.deletedSince(listedKeys).map((c) => ({ type: c.type, pod: c.item })),
    get size() {
      return tracker.size;
    },
  };
}
