// Watches pods and delivers every distinct change once: the fast path into detection. The
// list/watch/restart loop is list-watch.ts; this file says what a pod change is: a newer
// (uid, resourceVersion), and pods gone while the watch was down come out as DELETED.
import { parsePod } from '../../core/kube/parse.ts';
import type { PodSnapshot } from '../../core/model.ts';
import type { Logger } from '../../ports.ts';
import type { KubeConfig } from './client-node.ts';
import { startListWatch, type WatchRestartReason } from './list-watch.ts';
import { createPodChangeTracker, type PodChange, type PodChangeType } from './pod-change-tracker.ts';
import type { BackoffRange } from './watch-backoff.ts';

export type { PodChangeType } from './pod-change-tracker.ts';

/** gone: 410, re-listed. error: request failed. closed: the server ended the watch early. stalled: no data, not even a bookmark. */
export type PodWatchRestartReason = WatchRestartReason;

export interface PodWatchOptions {
  kubeConfig: KubeConfig;
  /** Namespaces to watch; empty means one cluster-wide watch. */
  namespaces: string[];
  /**
   * Called once per distinct change, in order; the next change waits for the returned promise. A
   * pod found deleted after a re-list comes with its identity only (see podIdentity).
   */
  onPod: (pod: PodSnapshot, type: PodChangeType) => void | Promise<void>;
  logger: Logger;
  /** Called once per restart, for a metric. */
  onRestart?: (reason: PodWatchRestartReason) => void;
  /** Delay before a restart: doubles from min up to max while restarts keep failing. */
  relistBackoffMs?: BackoffRange;
  /** Per list request (one page). */
  listTimeoutMs?: number;
  pageSize?: number;
  /** Live pods remembered per namespace for deduplication. */
  maxTrackedPods?: number;
}

export interface PodWatch {
  /** Aborts requests and timers; resolves once the change being delivered (if any) has finished. */
  stop(): Promise<void>;
  /** Resolves once every namespace's first list has been delivered; rejects if stopped before. */
  ready: Promise<void>;
}

export async function startPodWatch(opts: PodWatchOptions): Promise<PodWatch> {
  const log = opts.logger.child({ component: 'pod-watch' });
  const delivery = (change: PodChange) => async (): Promise<void> => {
    try {
      await opts.onPod(change.pod, change.type);
    } catch (err) {
      log.warn({ namespace: change.pod.namespace, pod: change.pod.name, type: change.type, err: String(err) }, 'pod watch: onPod failed');
    }
  };
  return startListWatch({
    kubeConfig: opts.kubeConfig,
    namespaces: opts.namespaces,
    logger: opts.logger,
    name: 'pod watch',
    resource: 'pods',
    path: (namespace) => (namespace === undefined ? '/api/v1/pods' : `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`),
    scope: () => {
      const tracker = createPodChangeTracker({ maxPods: opts.maxTrackedPods });
      return {
        observe(type, key, resourceVersion, obj) {
          const change = tracker.observe(type, key, resourceVersion, () => parsePod(obj));
          return change && delivery(change);
        },
        listed: (keys) => tracker.deletedSince(keys).map(delivery),
      };
    },
    ...(opts.onRestart ? { onRestart: opts.onRestart } : {}),
    ...(opts.relistBackoffMs ? { relistBackoffMs: opts.relistBackoffMs } : {}),
    ...(opts.listTimeoutMs !== undefined ? { listTimeoutMs: opts.listTimeoutMs } : {}),
    ...(opts.pageSize !== undefined ? { pageSize: opts.pageSize } : {}),
  });
}
