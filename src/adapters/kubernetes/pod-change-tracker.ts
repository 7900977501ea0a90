// Decides which pod changes are new. A restarted watch re-lists, and a re-list repeats every pod:
// only a (uid, resourceVersion) newer than the one last delivered is a change. The tracker also
// keeps the last snapshot of each live pod, so a pod deleted while the watch was down can still be
// reported as DELETED after the re-list. Both maps are bounded (oldest entries dropped first).
import type { PodSnapshot } from '../../core/model.ts';

export type PodChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

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

export interface PodChangeTracker {
  /**
   * One pod version from a list or a watch event. Returns the change to deliver, or undefined when
   * this version (or a newer one) was already delivered. `parse` runs only for new changes.
   */
  observe(type: PodChangeType, key: string, resourceVersion: string, parse: () => PodSnapshot): PodChange | undefined;
  /** After a complete list: pods known before but absent from it were deleted in the meantime. */
  deletedSince(listedKeys: ReadonlySet<string>): PodChange[];
  readonly size: number;
}

interface Known {
  resourceVersion: string;
  pod: PodSnapshot;
}

const DIGITS = /^\d+$/;

/**
 * True when `next` is a later version than `prev`. Resource versions are etcd revisions (decimal
 * integers) on every real API server, so they are compared as such; anything else only by equality.
 */
export function isNewerVersion(next: string, prev: string): boolean {
  if (next === prev) return false;
  if (DIGITS.test(next) && DIGITS.test(prev)) return next.length !== prev.length ? next.length > prev.length : next > prev;
  return true;
}

/** Map.set that keeps insertion order meaning "least recently changed first", bounded to max. */
function setBounded<K, V>(map: Map<K, V>, key: K, value: V, max: number): void {
  map.delete(key);
  map.set(key, value);
  while (map.size > max) {
    const oldest = map.keys().next();
    if (oldest.done) break;
    map.delete(oldest.value);
  }
}

export function createPodChangeTracker(opts: PodChangeTrackerOptions = {}): PodChangeTracker {
  const maxPods = opts.maxPods ?? 100_000;
  const maxDeleted = opts.maxDeleted ?? 10_000;
  const live = new Map<string, Known>();
  const deleted = new Map<string, true>();

  return {
    observe(type, key, resourceVersion, parse) {
      // A pod's uid never comes back once deleted: anything later for it is a replay.
      if (deleted.has(key)) return undefined;
      const prev = live.get(key);
      if (type === 'DELETED') {
        const pod = parse();
        live.delete(key);
        setBounded(deleted, key, true, maxDeleted);
        return { type, pod };
      }
      if (prev && !isNewerVersion(resourceVersion, prev.resourceVersion)) return undefined;
      const pod = parse();
      setBounded(live, key, { resourceVersion, pod }, maxPods);
      // A listed pod we already knew, at a newer version, changed while we were not watching.
      return { type: prev ? 'MODIFIED' : type, pod };
    },
    deletedSince(listedKeys) {
      const gone: PodChange[] = [];
      for (const [key, known] of live) {
        if (listedKeys.has(key)) continue;
        live.delete(key);
        setBounded(deleted, key, true, maxDeleted);
        gone.push({ type: 'DELETED', pod: known.pod });
      }
      return gone;
    },
    get size() {
      return live.size;
    },
  };
}
