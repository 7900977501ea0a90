// List-then-watch of one kind of object (pods, events), shared by every watch of the agent.
// Per namespace (or cluster-wide): list, then watch from the list's resourceVersion.
// client-node's Watch ends on any error and never comes back by itself, so each namespace runs a
// loop that restarts it: re-list after 410 Gone, resume from the last resourceVersion otherwise,
// with bounded exponential backoff, one log line and one onRestart(reason) per restart.
// What an object means (which changes are new, what to deliver) is the caller's ScopeHandler.
import { setTimeout as sleep } from 'node:timers/promises';
import type { V1ObjectMeta } from '@kubernetes/client-node';
import { Watch, type KubeConfig, type RequestContext } from './client-node.ts';
import { AppError, type ErrorCode } from '../../core/errors.ts';
import type { Logger } from '../../ports.ts';
import type { ChangeType } from './change-tracker.ts';
import { toK8sError } from './k8s-error.ts';
import { createKubeJson, toListPage } from './kube-json.ts';
import { backoffDelay, validateBackoff, type BackoffRange } from './watch-backoff.ts';

/** gone: 410, re-listed. error: request failed. closed: the server ended the watch early. stalled: no data, not even a bookmark. */
export type WatchRestartReason = 'gone' | 'error' | 'closed' | 'stalled';

/** Work to do for one change; deliveries run one at a time, in order, across all namespaces. */
export type Delivery = () => void | Promise<void>;

/** What one namespace's watch does with the objects it sees. */
export interface ScopeHandler {
  /**
   * One object from a list page (type ADDED) or a watch event. `initial` is true while the first
   * list of this namespace is read. Returns the delivery to queue, if the change is new. May throw
   * on an object it cannot read: that object is skipped (and logged).
   */
  observe(type: ChangeType, key: string, resourceVersion: string, obj: unknown, initial: boolean): Delivery | undefined;
  /** After a complete list: deliveries for objects known before but absent from it. */
  listed?(keys: ReadonlySet<string>): Delivery[];
}

export interface ListWatchOptions {
  kubeConfig: KubeConfig;
  /** Namespaces to watch; empty means one cluster-wide watch. */
  namespaces: string[];
  logger: Logger;
  /** "pod watch", "event watch": the start of its log lines and errors. */
  name: string;
  /** The resource, for error messages: "pods", "events". */
  resource: string;
  /** The collection's path; cluster-wide when namespace is undefined. */
  path(namespace: string | undefined): string;
  /** A server-side filter for lists and watches, e.g. "type=Warning". */
  fieldSelector?: string;
  scope(namespace: string | undefined): ScopeHandler;
  /** Called once per restart, for a metric. */
  onRestart?: (reason: WatchRestartReason) => void;
  /** Delay before a restart: doubles from min up to max while restarts keep failing. */
  relistBackoffMs?: BackoffRange;
  /** Per list request (one page). */
  listTimeoutMs?: number;
  pageSize?: number;
}

export interface ListWatch {
  /** Aborts requests and timers; resolves once the change being delivered (if any) has finished. */
  stop(): Promise<void>;
  /** Resolves once every namespace's first list has been delivered; rejects if stopped before. */
  ready: Promise<void>;
}

const DEFAULT_BACKOFF: BackoffRange = { min: 250, max: 30_000 };
// client-node's Watch gives up after 30 s without data. Asking the server to end the watch
// sooner makes that a clean, routine end, and the bookmark the server sends just before its
// deadline keeps our resourceVersion fresh in quiet namespaces (no 410 on the next watch).
const WATCH_TIMEOUT_MIN_S = 20;
const WATCH_TIMEOUT_SPREAD_S = 8;

type WatchEnd =
  | { kind: 'stopped' }
  | { kind: 'expired'; healthy: true }
  | { kind: WatchRestartReason; healthy: boolean; detail: string; code?: ErrorCode };

interface Scope {
  namespace: string | undefined;
  /** The namespace, or "*" for cluster-wide: for logs. */
  label: string;
  path: string;
  handler: ScopeHandler;
  /** Where the next watch resumes; undefined means list first. */
  resourceVersion: string | undefined;
  attempt: number;
  synced: boolean;
  abortWatch: (() => void) | undefined;
}

interface WatchStatus {
  code?: number;
  reason?: string;
  message?: string;
}

type Destroyable = { destroy(): Promise<void> };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The object's uid, or namespace/name when it has none. */
export function objectKey(meta: Pick<V1ObjectMeta, 'uid' | 'namespace' | 'name'> | undefined): string {
  return meta?.uid ?? `${meta?.namespace ?? ''}/${meta?.name ?? ''}`;
}

/**
 * Watch hands back its AbortController only once response headers arrive, so a connect in
 * progress cannot be aborted through it. KubeConfig gives every request its own connection pool
 * (dispatcher); this view of the config reports it, so stop() can destroy a pending connect.
 */
function reportingDispatcher(kc: KubeConfig, onDispatcher: (d: Destroyable) => void): KubeConfig {
  const view = Object.create(kc) as KubeConfig;
  view.applySecurityAuthentication = async (ctx: RequestContext) => {
    await kc.applySecurityAuthentication(ctx);
    const dispatcher = ctx.getDispatcher();
    if (dispatcher) onDispatcher(dispatcher);
  };
  return view;
}

function httpStatus(err: unknown): number | undefined {
  if (!isRecord(err)) return undefined;
  const status = err.statusCode ?? err.code;
  return typeof status === 'number' ? status : undefined;
}

function isTimeout(err: unknown): boolean {
  return isRecord(err) && err.name === 'TimeoutError';
}

export async function startListWatch(opts: ListWatchOptions): Promise<ListWatch> {
  const range = validateBackoff(opts.relistBackoffMs ?? DEFAULT_BACKOFF);
  const kc = opts.kubeConfig;
  const name = opts.name;
  if (!kc.getCurrentCluster()) throw new AppError('config_invalid', `${name}: the kubeconfig has no current cluster`);
  const log = opts.logger.child({ component: name.replace(/\s+/g, '-') });
  const pageSize = opts.pageSize ?? 500;
  const stopSignal = new AbortController();
  const kube = createKubeJson(kc, { timeoutMs: opts.listTimeoutMs ?? 30_000 });
  const selector = opts.fieldSelector ? { fieldSelector: opts.fieldSelector } : {};
  let stopped = false;
  let deliveries: Promise<void> = Promise.resolve();

  const namespaces = [...new Set(opts.namespaces)];
  const scopes: Scope[] = (namespaces.length > 0 ? namespaces : [undefined]).map((namespace) => ({
    namespace,
    label: namespace ?? '*',
    path: opts.path(namespace),
    handler: opts.scope(namespace),
    resourceVersion: undefined,
    attempt: 0,
    synced: false,
    abortWatch: undefined,
  }));
  const ready = Promise.withResolvers<void>();
  // A stop before the first sync rejects `ready`; callers that never awaited it must not crash.
  ready.promise.catch(() => {});
  let unsynced = scopes.length;

  // One queue for all namespaces keeps deliveries in order and one at a time.
  const deliver = (delivery: Delivery): void => {
    deliveries = deliveries.then(async () => {
      if (stopped) return;
      try {
        await delivery();
      } catch (err) {
        log.warn({ err: String(err) }, `${name}: a delivery failed`);
      }
    });
  };

  const offer = (scope: Scope, type: ChangeType, key: string, resourceVersion: string, obj: unknown): void => {
    let delivery: Delivery | undefined;
    try {
      delivery = scope.handler.observe(type, key, resourceVersion, obj, !scope.synced);
    } catch (err) {
      log.warn({ namespace: scope.label, key, err: err instanceof Error ? err.message : String(err) }, `${name}: skipped an object it could not read`);
      return;
    }
    if (delivery) deliver(delivery);
  };

  /** Lists page by page; objects unchanged since they were delivered are not delivered again. */
  const relist = async (scope: Scope): Promise<void> => {
    const listed = new Set<string>();
    let cont: string | undefined;
    let resourceVersion: string | undefined;
    do {
      // Plain JSON, page by page: each page is handed on before the next one is read.
      const page = toListPage(await kube.getJson(scope.path, { limit: pageSize, continue: cont, ...selector }, { signal: stopSignal.signal }));
      for (const item of page.items) {
        const meta = isRecord(item) && isRecord(item.metadata) ? (item.metadata as V1ObjectMeta) : undefined;
        const key = objectKey(meta);
        listed.add(key);
        offer(scope, 'ADDED', key, typeof meta?.resourceVersion === 'string' ? meta.resourceVersion : '', item);
      }
      resourceVersion = page.resourceVersion ?? resourceVersion;
      cont = page.continueToken;
    } while (cont && !stopped);
    if (stopped) return;
    for (const delivery of scope.handler.listed?.(listed) ?? []) deliver(delivery);
    scope.resourceVersion = resourceVersion;
    await deliveries;
    if (!scope.synced) {
      scope.synced = true;
      unsynced -= 1;
      if (unsynced === 0) ready.resolve();
    }
  };

  const watchOnce = (scope: Scope): Promise<WatchEnd> => new Promise<WatchEnd>((resolve) => {
    const timeoutSeconds = WATCH_TIMEOUT_MIN_S + Math.floor(Math.random() * WATCH_TIMEOUT_SPREAD_S);
    const startedAt = performance.now();
    let controller: AbortController | undefined;
    let dispatcher: Destroyable | undefined;
    let connected = false;
    let healthy = false;
    let status: WatchStatus | undefined;
    let ended = false;

    const end = (result: WatchEnd): void => {
      if (ended) return;
      ended = true;
      scope.abortWatch = undefined;
      controller?.abort();
      if (!connected) dispatcher?.destroy().catch(() => {});
      resolve(result);
    };
    scope.abortWatch = () => end({ kind: 'stopped' });

    const onEvent = (phase: string, obj: unknown): void => {
      if (ended || !isRecord(obj)) return;
      if (phase === 'ERROR') {
        status = obj as WatchStatus;
        return;
      }
      healthy = true;
      const meta = isRecord(obj.metadata) ? (obj.metadata as V1ObjectMeta) : undefined;
      const rv = typeof meta?.resourceVersion === 'string' ? meta.resourceVersion : undefined;
      // Watch events carry the API's JSON as is (not SDK objects): the core parsers read it directly.
      if (phase === 'ADDED' || phase === 'MODIFIED' || phase === 'DELETED') offer(scope, phase, objectKey(meta), rv ?? '', obj);
      if (rv) scope.resourceVersion = rv;
    };

    const onDone = (err: unknown): void => {
      if (stopped) return end({ kind: 'stopped' });
      if (status) {
        const detail = `watch ended with ${status.code ?? '?'} ${status.reason ?? ''}: ${status.message ?? ''}`.trim();
        return end({ kind: status.code === 410 ? 'gone' : 'error', healthy, detail, code: status.code === 410 ? 'k8s_gone' : 'k8s_error' });
      }
      if (err) {
        const code = httpStatus(err);
        if (code === 410) return end({ kind: 'gone', healthy, detail: 'watch answered 410 Gone', code: 'k8s_gone' });
        if (connected && isTimeout(err)) return end({ kind: 'stalled', healthy: true, detail: 'no data on the watch for 30 s', code: 'k8s_unreachable' });
        const e = code !== undefined
          ? new AppError(code === 403 ? 'k8s_forbidden' : 'k8s_error', `watch answered HTTP ${code} ${err instanceof Error ? err.message : ''}`.trim())
          : toK8sError(err, { verb: 'watch', resource: opts.resource, namespace: scope.namespace });
        // An open stream cut by the other side (API server shutdown, proxy, network) vs. a request that failed.
        return end({ kind: connected && code === undefined ? 'closed' : 'error', healthy, detail: e.message, code: e.code });
      }
      if (performance.now() - startedAt >= (timeoutSeconds - 1) * 1000) return end({ kind: 'expired', healthy: true });
      return end({ kind: 'closed', healthy, detail: 'the API server closed the watch' });
    };

    const query = { resourceVersion: scope.resourceVersion, allowWatchBookmarks: true, timeoutSeconds, ...selector };
    const config = reportingDispatcher(kc, (d) => {
      dispatcher = d;
      if (ended) d.destroy().catch(() => {});
    });
    new Watch(config).watch(scope.path, query, onEvent, onDone).then(
      (c) => {
        controller = c;
        if (ended) c.abort();
        else connected = true;
      },
      (err: unknown) => onDone(err ?? new Error('watch failed')),
    );
  });

  const listFailure = (scope: Scope, err: unknown): WatchEnd => {
    const e = toK8sError(err, { verb: 'list', resource: opts.resource, namespace: scope.namespace });
    // A continue token older than etcd's compaction: start the list again.
    return { kind: e.code === 'k8s_gone' ? 'gone' : 'error', healthy: false, detail: e.message, code: e.code };
  };

  const run = async (scope: Scope): Promise<void> => {
    while (!stopped) {
      let ending: WatchEnd;
      try {
        if (scope.resourceVersion === undefined) await relist(scope);
        if (stopped) return;
        ending = await watchOnce(scope);
      } catch (err) {
        if (stopped) return;
        ending = listFailure(scope, err);
      }
      if (ending.kind === 'stopped') return;
      if (ending.healthy) scope.attempt = 0;
      if (ending.kind === 'expired') {
        log.debug({ namespace: scope.label, resourceVersion: scope.resourceVersion }, `${name}: routine re-watch`);
        continue;
      }
      if (ending.kind === 'gone') scope.resourceVersion = undefined;
      const delayMs = backoffDelay(scope.attempt, range);
      scope.attempt += 1;
      const action = scope.resourceVersion === undefined ? 're-list' : `resume at resourceVersion ${scope.resourceVersion}`;
      log.warn(
        { namespace: scope.label, reason: ending.kind, code: ending.code, attempt: scope.attempt, retryInMs: delayMs },
        `${name} restarting (${ending.kind}) for ${scope.namespace === undefined ? 'all namespaces' : `namespace "${scope.namespace}"`}: ${ending.detail}; ${action} in ${delayMs} ms`,
      );
      try {
        opts.onRestart?.(ending.kind);
      } catch (err) {
        log.warn({ err: String(err) }, `${name}: onRestart failed`);
      }
      await sleep(delayMs, undefined, { signal: stopSignal.signal }).catch(() => {});
    }
  };

  const loops = scopes.map((scope) => run(scope));
  log.info({ namespaces: scopes.map((s) => s.label) }, `${name} started`);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      stopped = true;
      stopSignal.abort();
      for (const scope of scopes) scope.abortWatch?.();
      await Promise.all(loops);
      await deliveries;
      ready.reject(new AppError('k8s_error', `${name} stopped before its first list completed`));
      log.info({ namespaces: scopes.map((s) => s.label) }, `${name} stopped`);
    })();
    return stopping;
  };

  return { ready: ready.promise, stop };
}
