// The watch's fast path: a pod change runs the same rules and the same tracking as a scan, for
// that one pod, so an OOM reaches the channel within about a second of the kubelet reporting it.
import type { Metrics } from '../adapters/http/metrics.ts';
import { DETECTION_RULES, detectIncidents } from '../core/detection/registry.ts';
import type { DetectionRule } from '../core/detection/rule.ts';
import type { PodSnapshot } from '../core/model.ts';
import type { ClusterReader, Clock, Logger } from '../ports.ts';
import { detectPods } from '../usecases/detect-namespace.ts';
import { trackScan, type TrackDeps } from '../usecases/track-scan.ts';

export interface WatchHandlerDeps {
  cluster: ClusterReader;
  track: TrackDeps;
  metrics: Metrics;
  clock: Clock;
  logger: Logger;
  /** Namespaces in scope; empty means every namespace the watch sees. */
  namespaces: ReadonlySet<string>;
  /** The rules with the namespace's policy thresholds; absent: the defaults. */
  rulesFor?: (namespace: string) => readonly DetectionRule[];
}

export function createWatchHandler(deps: WatchHandlerDeps) {
  return async (pod: PodSnapshot, type: 'ADDED' | 'MODIFIED' | 'DELETED'): Promise<void> => {
    if (type === 'DELETED') return;
    if (deps.namespaces.size > 0 && !deps.namespaces.has(pod.namespace)) return;
    // Most pod changes are not memory incidents: the pure rules filter them before any I/O.
    const rules = deps.rulesFor?.(pod.namespace) ?? DETECTION_RULES;
    if (detectIncidents([pod], rules).length === 0) return;
    try {
      const detected = await detectPods(deps.cluster, pod.namespace, [pod], [], rules);
      const summary = await trackScan(deps.track, detected, { resolveMissing: false, source: { kind: 'watch' } });
      const now = deps.clock.now().getTime();
      for (const found of detected.found) {
        const at = found.detection.lastTerminatedAt ? Date.parse(found.detection.lastTerminatedAt) : NaN;
        if (summary.queuedNew.includes(found.fingerprint) && Number.isFinite(at)) {
          deps.metrics.detectionLatencySeconds.observe(Math.max(0, now - at) / 1000);
        }
      }
    } catch (err) {
      deps.logger.warn({ pod: pod.name, namespace: pod.namespace, err: { code: (err as { code?: string }).code, message: (err as Error).message } }, 'watch event not processed; the next scheduled scan will catch it');
    }
  };
}
