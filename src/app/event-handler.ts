// The event watch's fast path: a Warning event about a pod (a process OOM kill, an eviction, a
// failed schedule, a back-off, a failing probe, a failed mount) re-reads that pod and runs the same
// rules and tracking as the pod watch, with the event in hand: a process OOM-killed inside a
// running container is told by nothing else. Events about one pod that come together cost one
// read: the first waits a moment for the rest, and events arriving during a read wait for the next.
import type { Metrics } from '../adapters/http/metrics.ts';
import { isProcessOomEvent } from '../core/detection/process-oom.ts';
import type { EventSnapshot, PodSnapshot } from '../core/model.ts';
import type { ClusterReader, Clock, Logger } from '../ports.ts';
import { detectPods } from '../usecases/detect-namespace.ts';
import type { DetectionRule } from '../core/detection/rule.ts';
import { trackScan, type TrackDeps } from '../usecases/track-scan.ts';

/** Warning reasons that feed detection at once. */
export const DETECTION_REASONS: ReadonlySet<string> = new Set(['SystemOOM', 'OOMKilling', 'Evicted', 'FailedScheduling', 'BackOff', 'Unhealthy', 'FailedMount']);

export interface EventHandlerDeps {
  cluster: ClusterReader;
  track: TrackDeps;
  metrics: Pick<Metrics, 'detectionLatencySeconds'>;
  clock: Clock;
  logger: Logger;
  /** Namespaces in scope; empty means every namespace the watch sees. */
  namespaces: ReadonlySet<string>;
  /** How long the first event about a pod waits for others before the pod is read (ms). */
  coalesceMs?: number;
  /** Pods read and checked at once, across namespaces. */
  concurrency?: number;
  /** The rules with the namespace's policy thresholds; absent: the defaults. */
  rulesFor?: (namespace: string) => readonly DetectionRule[];
}

export interface EventHandler {
  onEvent(event: EventSnapshot, delivery: { initial: boolean }): void;
  /** Cancels reads not yet begun and waits for those under way. */
  stop(): Promise<void>;
}

const DEFAULT_COALESCE_MS = 100;
const DEFAULT_CONCURRENCY = 4;

interface PodQueue {
  namespace: string;
  name: string;
  /** Events that came since the last read began. */
  events: EventSnapshot[];
  timer: NodeJS.Timeout | undefined;
  running: boolean;
}

export function createEventHandler(deps: EventHandlerDeps): EventHandler {
  const log = deps.logger.child({ component: 'event-handler' });
  const coalesceMs = deps.coalesceMs ?? DEFAULT_COALESCE_MS;
  const queues = new Map<string, PodQueue>();
  const inFlight = new Set<Promise<void>>();
  const waiting: Array<() => void> = [];
  let active = 0;
  let stopped = false;
  const limit = Math.max(1, deps.concurrency ?? DEFAULT_CONCURRENCY);

  const slot = async (): Promise<void> => {
    if (active < limit) {
      active += 1;
      return;
    }
    await new Promise<void>((resolve) => waiting.push(resolve));
  };
  const release = (): void => {
    const next = waiting.shift();
    if (next) next();
    else active -= 1;
  };

  const readPod = async (namespace: string, name: string): Promise<PodSnapshot | undefined> =>
    deps.cluster.readPod
      ? deps.cluster.readPod(namespace, name)
      : (await deps.cluster.listPods(namespace)).find((p) => p.name === name);

  const check = async (q: PodQueue, events: EventSnapshot[]): Promise<void> => {
    const pod = await readPod(q.namespace, q.name);
    if (!pod) {
      log.debug({ namespace: q.namespace, pod: q.name, reasons: reasons(events) }, 'event about a pod that is gone: nothing to check');
      return;
    }
    const detected = await detectPods(deps.cluster, q.namespace, [pod], events, deps.rulesFor?.(q.namespace));
    if (detected.found.length === 0) return;
    // Found by an event: a process OOM kill by its own event's reason, the rest by the latest event's.
    const latest = events.at(-1)?.reason ?? 'Warning';
    const found = detected.found.map((f) => ({ ...f, source: { kind: 'event' as const, name: f.detection.kind === 'ProcessOOM' ? f.detection.reason : latest } }));
    const summary = await trackScan(deps.track, { ...detected, found }, { resolveMissing: false, source: { kind: 'event', name: latest } });
    const now = deps.clock.now().getTime();
    for (const found of detected.found) {
      const at = found.detection.lastTerminatedAt ? Date.parse(found.detection.lastTerminatedAt) : NaN;
      if (summary.queuedNew.includes(found.fingerprint) && Number.isFinite(at)) {
        deps.metrics.detectionLatencySeconds.observe(Math.max(0, now - at) / 1000);
      }
    }
  };

  const run = (key: string, q: PodQueue): void => {
    q.timer = undefined;
    if (stopped) return;
    q.running = true;
    const events = q.events;
    q.events = [];
    const work = (async () => {
      await slot();
      try {
        if (!stopped) await check(q, events);
      } catch (err) {
        log.warn({ namespace: q.namespace, pod: q.name, reasons: reasons(events), err: { code: (err as { code?: string }).code, message: (err as Error).message } }, 'event not processed; the next scheduled scan will catch it');
      } finally {
        release();
      }
    })();
    inFlight.add(work);
    void work.finally(() => {
      inFlight.delete(work);
      q.running = false;
      if (q.events.length > 0 && !stopped) schedule(key, q);
      else if (q.events.length === 0) queues.delete(key);
    });
  };

  const schedule = (key: string, q: PodQueue): void => {
    if (q.timer || q.running) return;
    q.timer = setTimeout(() => run(key, q), coalesceMs);
  };

  return {
    onEvent(event, delivery) {
      if (stopped) return;
      const reason = event.reason ?? '';
      if (!DETECTION_REASONS.has(reason)) return;
      if (deps.namespaces.size > 0 && !deps.namespaces.has(event.namespace)) return;
      // At start-up the scan looks at every pod; only a process OOM kill is not in any pod's status.
      if (delivery.initial && !isProcessOomEvent(event)) return;
      if ((event.involvedKind ?? 'Pod') !== 'Pod' || !event.involvedName) {
        // node-problem-detector and the kubelet report most OOM kills on the Node: the victim's pid
        // cannot be tied to a pod from here, and node trouble reaches the node rules by evictions.
        log.debug({ reason, object: `${event.involvedKind ?? '?'}/${event.involvedName ?? '?'}` }, 'Warning event not about a pod: not tied to an incident');
        return;
      }
      const key = `${event.namespace}/${event.involvedName}`;
      let q = queues.get(key);
      if (!q) {
        q = { namespace: event.namespace, name: event.involvedName, events: [], timer: undefined, running: false };
        queues.set(key, q);
      }
      q.events.push(event);
      schedule(key, q);
    },
    async stop() {
      stopped = true;
      for (const q of queues.values()) if (q.timer) clearTimeout(q.timer);
      for (const resolve of waiting.splice(0)) resolve();
      await Promise.allSettled([...inFlight]);
      queues.clear();
    },
  };
}

function reasons(events: EventSnapshot[]): string[] {
  return [...new Set(events.map((e) => e.reason ?? '?'))];
}
