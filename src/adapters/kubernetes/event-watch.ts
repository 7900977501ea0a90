// Watches Warning events (events.k8s.io/v1) and delivers each new one, or each new version of one
// (a repeated event is updated in place: a new count or series time), once. The API server
// filters on type=Warning; the check is repeated here so a server that ignored it changes nothing.
// Same list/watch/restart loop as the pod watch (list-watch.ts). An event deleted (its TTL ran
// out) is not delivered: it says nothing new.
import { parseEvent } from '../../core/kube/parse.ts';
import type { EventSnapshot } from '../../core/model.ts';
import type { Logger } from '../../ports.ts';
import type { KubeConfig } from './client-node.ts';
import { createChangeTracker } from './change-tracker.ts';
import { startListWatch, type ListWatch, type WatchRestartReason } from './list-watch.ts';
import type { BackoffRange } from './watch-backoff.ts';

export type EventWatch = ListWatch;

export interface EventDelivery {
  /** True for events already there when the watch first listed the namespace (at start-up). */
  initial: boolean;
}

export interface EventWatchOptions {
  kubeConfig: KubeConfig;
  /** Namespaces to watch; empty means one cluster-wide watch. */
  namespaces: string[];
  /** Called once per new Warning event (or new version of one), in order; the next waits for it. */
  onEvent: (event: EventSnapshot, delivery: EventDelivery) => void | Promise<void>;
  logger: Logger;
  /** Called once per restart, for a metric. */
  onRestart?: (reason: WatchRestartReason) => void;
  relistBackoffMs?: BackoffRange;
  listTimeoutMs?: number;
  pageSize?: number;
  /** Events remembered per namespace for deduplication (they live an hour by default). */
  maxTrackedEvents?: number;
}

const WARNING = 'Warning';

export async function startEventWatch(opts: EventWatchOptions): Promise<EventWatch> {
  const log = opts.logger.child({ component: 'event-watch' });
  return startListWatch({
    kubeConfig: opts.kubeConfig,
    namespaces: opts.namespaces,
    logger: opts.logger,
    name: 'event watch',
    resource: 'events.events.k8s.io',
    path: (namespace) => (namespace === undefined ? '/apis/events.k8s.io/v1/events' : `/apis/events.k8s.io/v1/namespaces/${encodeURIComponent(namespace)}/events`),
    fieldSelector: `type=${WARNING}`,
    scope: () => {
      // Deletions of events are never delivered: only their versions are worth keeping.
      const tracker = createChangeTracker<EventSnapshot>({ maxLive: opts.maxTrackedEvents ?? 20_000, keep: (e) => ({ namespace: e.namespace }) });
      return {
        observe(type, key, resourceVersion, obj, initial) {
          const change = tracker.observe(type, key, resourceVersion, () => parseEvent(obj));
          if (!change || change.type === 'DELETED' || change.item.type !== WARNING) return undefined;
          const event = change.item;
          return async () => {
            try {
              await opts.onEvent(event, { initial });
            } catch (err) {
              log.warn({ namespace: event.namespace, reason: event.reason, object: `${event.involvedKind ?? '?'}/${event.involvedName ?? '?'}`, err: String(err) }, 'event watch: onEvent failed');
            }
          };
        },
      };
    },
    ...(opts.onRestart ? { onRestart: opts.onRestart } : {}),
    ...(opts.relistBackoffMs ? { relistBackoffMs: opts.relistBackoffMs } : {}),
    ...(opts.listTimeoutMs !== undefined ? { listTimeoutMs: opts.listTimeoutMs } : {}),
    ...(opts.pageSize !== undefined ? { pageSize: opts.pageSize } : {}),
  });
}
