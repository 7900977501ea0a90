// Decides which object changes are new, for any watched kind (pods, events). A restarted watch
// re-lists, and a re-list repeats every object: only a (uid, resourceVersion) newer than the one
// last delivered is a change. The tracker also keeps what identifies each live object, so one
// deleted while the watch was down can still be reported as DELETED after the re-list. Both maps
// are bounded (oldest entries dropped first).

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface Change<T> {
  type: ChangeType;
  item: T;
}

export interface ChangeTrackerOptions<T> {
  /** Live objects remembered; past this the oldest are forgotten (a later re-list re-delivers them). */
  maxLive?: number;
  /** Deleted uids remembered, so a replayed DELETED or a late event is not delivered again. */
  maxDeleted?: number;
  /**
   * What a live object is remembered by, to report it DELETED after a re-list (default: all of
   * it). A whole cluster's pods are tens of thousands of objects: keeping only their identity
   * is the difference between kilobytes and about 5 KiB of heap each.
   */
  keep?: (item: T) => T;
}

export interface ChangeTracker<T> {
  /**
   * One object version from a list or a watch event. Returns the change to deliver, or undefined
   * when this version (or a newer one) was already delivered. `parse` runs only for new changes.
   */
  observe(type: ChangeType, key: string, resourceVersion: string, parse: () => T): Change<T> | undefined;
  /** After a complete list: objects known before but absent from it were deleted in the meantime. */
  deletedSince(listedKeys: ReadonlySet<string>): Array<Change<T>>;
  readonly size: number;
}

interface Known<T> {
  resourceVersion: string;
  item: T;
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

export function createChangeTracker<T>(opts: ChangeTrackerOptions<T> = {}): ChangeTracker<T> {
  const maxLive = opts.maxLive ?? 100_000;
  const maxDeleted = opts.maxDeleted ?? 10_000;
  const keep = opts.keep ?? ((item: T) => item);
  const live = new Map<string, Known<T>>();
  const deleted = new Map<string, true>();

  return {
    observe(type, key, resourceVersion, parse) {
      // A uid never comes back once deleted: anything later for it is a replay.
      if (deleted.has(key)) return undefined;
      const prev = live.get(key);
      if (type === 'DELETED') {
        const item = parse();
        live.delete(key);
        setBounded(deleted, key, true, maxDeleted);
        return { type, item };
      }
      if (prev && !isNewerVersion(resourceVersion, prev.resourceVersion)) return undefined;
      const item = parse();
      setBounded(live, key, { resourceVersion, item: keep(item) }, maxLive);
      // A listed object we already knew, at a newer version, changed while we were not watching.
      return { type: prev ? 'MODIFIED' : type, item };
    },
    deletedSince(listedKeys) {
      const gone: Array<Change<T>> = [];
      for (const [key, known] of live) {
        if (listedKeys.has(key)) continue;
        live.delete(key);
        setBounded(deleted, key, true, maxDeleted);
        gone.push({ type: 'DELETED', item: known.item });
      }
      return gone;
    },
    get size() {
      return live.size;
    },
  };
}
