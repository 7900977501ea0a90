// Prometheus as a signal source, wired from the configuration: the correlation every analysis
// gets, the CPU throttling check every scan runs, and what /readyz says about Prometheus. Without
// PROMETHEUS_URL all of it is off and /readyz says so; an unreachable Prometheus makes the agent
// `degraded`, never unready, and analyses and scans carry on without signals.
import type { Config } from '../config/env.ts';
import { createPrometheusReader } from '../adapters/prometheus/prometheus-reader.ts';
import type { Check } from '../adapters/http/readiness.ts';
import type { Detection, PodSnapshot } from '../core/model.ts';
import type { IncidentSignals } from '../core/signals/signal.ts';
import type { UsagePoint } from '../core/forecast/leak-forecast.ts';
import type { Clock, Logger, PrometheusReader } from '../ports.ts';
import { gatherSignals, workingSetHistory } from '../usecases/gather-signals.ts';
import { detectThrottling, type ThrottlingOutcome } from '../usecases/detect-throttling.ts';
import type { DetectionThresholds } from '../core/policy/evaluate.ts';

export const PROMETHEUS_OFF = 'PROMETHEUS_URL is not set: no Prometheus signals, no CPU throttling incidents';

/** How much working-set history the leak forecast reads from Prometheus. */
export const FORECAST_HISTORY_MINUTES = 180;

export interface PrometheusSignals {
  /** For the analysis: the incident's signals, undefined when Prometheus gave none. */
  signals?: (detection: Detection) => Promise<IncidentSignals | undefined>;
  /** For the scan: sustained CPU throttling in the namespace; absent when that detection is off. */
  throttling?: (namespace: string, pods: PodSnapshot[]) => Promise<ThrottlingOutcome>;
  /** For the leak forecast: hours of working set by "pod/container"; undefined when Prometheus fails. */
  workingSetHistory?: (namespace: string) => Promise<Map<string, UsagePoint[]> | undefined>;
  degradedChecks: Record<string, Check>;
  offChecks: Record<string, string>;
}

export function prometheusSignals(
  config: Pick<Config, 'PROMETHEUS_URL' | 'PROMETHEUS_TIMEOUT_MS' | 'SIGNAL_WINDOW_MINUTES' | 'CPU_THROTTLING_PERCENT' | 'CPU_THROTTLING_MINUTES'>,
  clock: Clock,
  logger: Logger,
  reader?: PrometheusReader,
  /** The namespace's throttling thresholds (its policy's, else the settings above). */
  throttlingFor?: (namespace: string) => Pick<DetectionThresholds, 'cpuThrottlingPercent' | 'cpuThrottlingMinutes'>,
): PrometheusSignals {
  if (!config.PROMETHEUS_URL) return { degradedChecks: {}, offChecks: { prometheus: PROMETHEUS_OFF } };
  const prometheus = reader ?? createPrometheusReader({ url: config.PROMETHEUS_URL, timeoutMs: config.PROMETHEUS_TIMEOUT_MS, logger });
  const log = logger.child({ component: 'signals' });
  const thresholdRatio = config.CPU_THROTTLING_PERCENT / 100;
  const deps = { prometheus, clock, logger: log };
  return {
    signals: (detection) =>
      gatherSignals(deps, detection, {
        windowMinutes: config.SIGNAL_WINDOW_MINUTES,
        ...(thresholdRatio > 0 ? { thresholds: { throttlingRatio: thresholdRatio } } : {}),
      }),
    // On where a threshold applies: the settings' everywhere, or any namespace whose policy sets one.
    ...(thresholdRatio > 0 || throttlingFor
      ? {
          throttling: async (namespace: string, pods: PodSnapshot[]): Promise<ThrottlingOutcome> => {
            const t = throttlingFor?.(namespace) ?? { cpuThrottlingPercent: config.CPU_THROTTLING_PERCENT, cpuThrottlingMinutes: config.CPU_THROTTLING_MINUTES };
            // Turned off in this namespace: judged, nothing found (so its old incidents resolve).
            if (t.cpuThrottlingPercent <= 0) return { judged: true, detections: [] };
            return detectThrottling(deps, { namespace, pods }, { thresholdRatio: t.cpuThrottlingPercent / 100, sustainedMinutes: t.cpuThrottlingMinutes });
          },
        }
      : {}),
    workingSetHistory: (namespace) => workingSetHistory(deps, namespace, FORECAST_HISTORY_MINUTES),
    degradedChecks: { prometheus: () => prometheus.check() },
    offChecks: {},
  };
}
