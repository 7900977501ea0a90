// Sustained CPU throttling of a namespace's running containers, from Prometheus: one range query
// per CFS counter over the sustained window, then the core decides. Like the leak forecast this is
// advisory: when Prometheus fails the scan goes on, and the caller learns that throttling could
// not be judged (so open CpuThrottling incidents are neither confirmed nor resolved).
import { detectCpuThrottling, throttlingQueries, THROTTLING_RATE_MINUTES } from '../core/detection/cpu-throttling.ts';
import type { Detection, PodSnapshot } from '../core/model.ts';
import { isAppError } from '../core/errors.ts';
import type { Clock, Logger, PrometheusReader, PromSeries } from '../ports.ts';

export interface ThrottlingDeps {
  prometheus: PrometheusReader;
  clock: Clock;
  logger: Logger;
}

export interface ThrottlingSettings {
  /** Throttled share of CFS periods (0..1). */
  thresholdRatio: number;
  sustainedMinutes: number;
}

export type ThrottlingOutcome = { judged: true; detections: Detection[] } | { judged: false; reason: string };

const STEP_SECONDS = 60;

export async function detectThrottling(
  deps: ThrottlingDeps,
  input: { namespace: string; pods: PodSnapshot[] },
  settings: ThrottlingSettings,
): Promise<ThrottlingOutcome> {
  const running = input.pods.some((p) => p.containers.some((c) => c.state.kind === 'running'));
  if (!running) return { judged: true, detections: [] };
  const q = throttlingQueries(input.namespace);
  const end = deps.clock.now();
  const start = new Date(end.getTime() - settings.sustainedMinutes * 60_000);
  const range = { start, end, stepSeconds: STEP_SECONDS };
  try {
    const [throttledPeriods, periods] = await Promise.all([
      deps.prometheus.queryRange(q.throttledPeriods, range),
      deps.prometheus.queryRange(q.periods, range),
    ]);
    const candidates = throttledPeriods.length > 0;
    // The facts' figures are extras: asked only when something may be throttled, and optional.
    const extra = async (promql: string): Promise<PromSeries[]> => (candidates ? deps.prometheus.query(promql, end).catch(() => []) : []);
    const [limitCores, usageCores, throttledSeconds] = await Promise.all([extra(q.limitCores), extra(q.usageCores), extra(q.throttledSeconds)]);
    const detections = detectCpuThrottling(input.pods, { throttledPeriods, periods, limitCores, usageCores, throttledSeconds }, {
      thresholdRatio: settings.thresholdRatio,
      sustainedMinutes: settings.sustainedMinutes,
      stepSeconds: STEP_SECONDS,
    });
    deps.logger.debug({ namespace: input.namespace, series: throttledPeriods.length, found: detections.length, rateMinutes: THROTTLING_RATE_MINUTES }, 'CPU throttling judged');
    return { judged: true, detections };
  } catch (err) {
    if (!isAppError(err)) throw err;
    deps.logger.warn({ namespace: input.namespace, code: err.code, err: err.message }, 'CPU throttling not judged: Prometheus failed');
    return { judged: false, reason: err.code };
  }
}
