// Correlation for one incident: runs the core's correlation queries against Prometheus at the end
// of the incident's window and turns the answers into signals. Advisory: a query that fails is
// left out (the others still count), and when Prometheus cannot be reached at all the incident
// simply has no signals. Never throws.
import {
  correlateSignals, correlationQueries, DEFAULT_SIGNAL_THRESHOLDS, signalWindow,
  type CorrelationAnswers, type CorrelationQueryName, type SignalTarget, type SignalThresholds,
} from '../core/signals/correlate.ts';
import type { IncidentSignals } from '../core/signals/signal.ts';
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
