// Prometheus reads for the analysis and the leak forecast. Correlation runs the core's queries at
// the end of an incident's window and turns the answers into signals: a query that fails is left
// out (the others still count), and when Prometheus cannot be reached at all the incident simply
// has no signals. The working-set history gives the forecast hours of samples at once. Neither
// throws on a Prometheus failure.
import {
  correlateSignals, correlationQueries, DEFAULT_SIGNAL_THRESHOLDS, signalWindow,
  type CorrelationAnswers, type CorrelationQueryName, type SignalTarget, type SignalThresholds,
} from '../core/signals/correlate.ts';
import type { IncidentSignals } from '../core/signals/signal.ts';
import { usageByContainer, workingSetQuery } from '../core/signals/working-set.ts';
import type { UsagePoint } from '../core/forecast/leak-forecast.ts';
import { isAppError } from '../core/errors.ts';
import type { Clock, Logger, PrometheusReader } from '../ports.ts';

export interface SignalDeps {
  prometheus: PrometheusReader;
  clock: Clock;
  logger: Logger;
}

export interface SignalOptions {
  windowMinutes: number;
  thresholds?: Partial<SignalThresholds>;
}

/** The signals of an incident, or undefined when Prometheus answered none of the queries. */
export async function gatherSignals(deps: SignalDeps, target: SignalTarget, opts: SignalOptions): Promise<IncidentSignals | undefined> {
  const window = signalWindow(target, deps.clock.now(), opts.windowMinutes);
  const at = new Date(window.at);
  const queries = Object.entries(correlationQueries(target, opts.windowMinutes)) as Array<[CorrelationQueryName, string]>;
  const answers: CorrelationAnswers = {};
  const failures: Array<{ query: string; code: string }> = [];
  await Promise.all(queries.map(async ([name, promql]) => {
    try {
      answers[name] = await deps.prometheus.query(promql, at);
    } catch (err) {
      failures.push({ query: name, code: isAppError(err) ? err.code : 'unexpected' });
    }
  }));
  if (failures.length > 0) {
    deps.logger.warn({ failures: failures.slice(0, 5), failed: failures.length, of: queries.length }, 'some Prometheus signal queries failed; continuing without them');
  }
  if (failures.length === queries.length) return undefined;
  return correlateSignals(answers, target, window, { ...DEFAULT_SIGNAL_THRESHOLDS, ...opts.thresholds });
}

/**
 * The namespace's working sets over the last `minutes`, a point a minute, by "pod/container"; for
 * the leak forecast. Undefined when Prometheus fails (metrics.k8s.io is the fallback then).
 */
export async function workingSetHistory(deps: SignalDeps, namespace: string, minutes: number): Promise<Map<string, UsagePoint[]> | undefined> {
  const end = deps.clock.now();
  try {
    const series = await deps.prometheus.queryRange(workingSetQuery(namespace), { start: new Date(end.getTime() - minutes * 60_000), end, stepSeconds: 60 });
    return usageByContainer(series);
  } catch (err) {
    if (!isAppError(err)) throw err;
    deps.logger.warn({ namespace, code: err.code }, 'working-set history from Prometheus unavailable; the leak forecast uses metrics.k8s.io');
    return undefined;
  }
}
