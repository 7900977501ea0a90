// Correlation: the signals of an incident's container, pod and node in the window before it,
// read from cAdvisor and kube-state-metrics series. `correlationQueries` says what to ask
// Prometheus; `correlateSignals` turns the answers into sentences, each with a level. Pure: the
// use case runs the queries, and a query that failed is simply absent from the answers.
import type { Detection } from '../model.ts';
import { describeBytes, MEBIBYTE, toBytes } from '../quantity.ts';
import { describeRate } from '../detection/leak-forecast-detection.ts';
import { minutes, selector } from './promql.ts';
import { scalarOf, type PromSeries } from './series.ts';
import type { IncidentSignals, Signal } from './signal.ts';

export interface SignalThresholds {
  /** Throttled share of CFS periods from which throttling is a warning. */
  throttlingRatio: number;
  /** Fewer CFS periods than this in the window: too little CPU activity to judge throttling. */
  minPeriods: number;
  /** Working-set peak / memory limit from which memory is a warning. */
  memoryNearLimitRatio: number;
  /** Share of time tasks waited on a resource (PSI "some") from which pressure is a warning. */
  pressureRatio: number;
  /** Growth below this (bytes per minute) is not worth a line. */
  minGrowthBytesPerMinute: number;
}

export const DEFAULT_SIGNAL_THRESHOLDS: SignalThresholds = {
  throttlingRatio: 0.25,
  minPeriods: 10,
  memoryNearLimitRatio: 0.9,
  pressureRatio: 0.1,
  minGrowthBytesPerMinute: 0.1 * MEBIBYTE,
};

export const CORRELATION_QUERY_NAMES = [
  'cpuThrottledPeriods',
  'cpuPeriods',
  'memoryPeak',
  'memorySlope',
  'cpuPressure',
  'memoryPressure',
  'ioPressure',
  'receiveErrors',
  'receiveErrorsBefore',
  'transmitErrors',
  'transmitErrorsBefore',
  'nodeConditions',
  'nodeMemoryPressure',
  'terminatedReasons',
] as const;
export type CorrelationQueryName = (typeof CORRELATION_QUERY_NAMES)[number];
export type CorrelationAnswers = Partial<Record<CorrelationQueryName, PromSeries[]>>;

export type SignalTarget = Pick<Detection, 'namespace' | 'pod' | 'container' | 'nodeName' | 'kind' | 'reason' | 'lastTerminatedAt' | 'memoryLimit'>;

export interface SignalWindow {
  /** End of the window (ISO): the incident's last termination when known and not in the future, else now. */
  at: string;
  windowMinutes: number;
  /** How sentences name the end of the window: "the OOM", "the eviction", "the last termination", "detection". */
  moment: string;
}

export function signalWindow(d: SignalTarget, now: Date, windowMinutes: number): SignalWindow {
  const terminated = d.lastTerminatedAt === undefined ? NaN : Date.parse(d.lastTerminatedAt);
  const useTermination = Number.isFinite(terminated) && terminated <= now.getTime();
  const at = useTermination ? new Date(terminated).toISOString() : now.toISOString();
  const moment = !useTermination
    ? d.kind === 'EvictedMemory' ? 'the eviction' : 'detection'
    : d.reason === 'OOMKilled' ? 'the OOM' : 'the last termination';
  return { at, windowMinutes, moment };
}

/** The PromQL of every correlation query, evaluated at the window's end. Node queries only when the pod has a node. */
export function correlationQueries(d: SignalTarget, windowMinutes: number): Partial<Record<CorrelationQueryName, string>> {
  const w = minutes(windowMinutes);
  const c = selector({ namespace: d.namespace, pod: d.pod, container: d.container });
  const p = selector({ namespace: d.namespace, pod: d.pod });
  const q: Partial<Record<CorrelationQueryName, string>> = {
    cpuThrottledPeriods: `sum(increase(container_cpu_cfs_throttled_periods_total${c}[${w}]))`,
    cpuPeriods: `sum(increase(container_cpu_cfs_periods_total${c}[${w}]))`,
    memoryPeak: `max(max_over_time(container_memory_working_set_bytes${c}[${w}]))`,
    memorySlope: `max(deriv(container_memory_working_set_bytes${c}[${w}]))`,
    cpuPressure: `sum(rate(container_pressure_cpu_waiting_seconds_total${c}[${w}]))`,
    memoryPressure: `sum(rate(container_pressure_memory_waiting_seconds_total${c}[${w}]))`,
    ioPressure: `sum(rate(container_pressure_io_waiting_seconds_total${c}[${w}]))`,
    receiveErrors: `sum(increase(container_network_receive_errors_total${p}[${w}]))`,
    receiveErrorsBefore: `sum(increase(container_network_receive_errors_total${p}[${w}] offset ${w}))`,
    transmitErrors: `sum(increase(container_network_transmit_errors_total${p}[${w}]))`,
    transmitErrorsBefore: `sum(increase(container_network_transmit_errors_total${p}[${w}] offset ${w}))`,
    terminatedReasons: `max by (reason) (max_over_time(kube_pod_container_status_last_terminated_reason${c}[${w}]))`,
  };
  if (d.nodeName) {
    const pressure = selector({ node: d.nodeName }, ['condition=~"MemoryPressure|DiskPressure|PIDPressure"', 'status="true"']);
    const notReady = selector({ node: d.nodeName }, ['condition="Ready"', 'status="false"']);
    q.nodeConditions =
      `max by (condition) (max_over_time(kube_node_status_condition${pressure}[${w}]))` +
      ` or max by (condition) (max_over_time(kube_node_status_condition${notReady}[${w}]))`;
    q.nodeMemoryPressure = `max(rate(container_pressure_memory_waiting_seconds_total${selector({ node: d.nodeName, id: '/' })}[${w}]))`;
  }
  return q;
}

const pct = (ratio: number): string => `${Math.round(ratio * 100)}%`;
const count = (n: number): string => String(Math.round(n));

/** The answers as signals: warnings first, then readings. Absent or empty answers give no signal. */
export function correlateSignals(
  answers: CorrelationAnswers,
  d: SignalTarget,
  window: SignalWindow,
  thresholds: SignalThresholds = DEFAULT_SIGNAL_THRESHOLDS,
): IncidentSignals {
  const t = thresholds;
  const span = `in the ${window.windowMinutes} min before ${window.moment}`;
  const out: Signal[] = [];
  const add = (s: Signal): void => {
    out.push(s);
  };
  const value = (name: CorrelationQueryName): number | undefined => {
    const series = answers[name];
    return series === undefined ? undefined : scalarOf(series);
  };

  // CPU throttling: the share of CFS periods in which the container hit its quota.
  const throttled = value('cpuThrottledPeriods');
  const periods = value('cpuPeriods');
  if (throttled !== undefined && periods !== undefined && periods >= t.minPeriods) {
    const ratio = Math.min(1, Math.max(0, throttled / periods));
    add({
      id: 'cpu_throttling', scope: 'container', level: ratio >= t.throttlingRatio ? 'warning' : 'info', value: ratio,
      text: `CPU throttled ${pct(ratio)} of periods ${span} (${count(throttled)} of ${count(periods)} CFS periods)`,
    });
  }

  // Memory: how close the working set came to the limit, and whether it was growing.
  const peak = value('memoryPeak');
  const limit = d.memoryLimit === undefined ? undefined : toBytes(d.memoryLimit);
  if (peak !== undefined && peak > 0) {
    if (limit !== undefined && limit > 0) {
      const ratio = peak / limit;
      add({
        id: 'memory_peak', scope: 'container', level: ratio >= t.memoryNearLimitRatio ? 'warning' : 'info', value: peak,
        text: `working set peaked at ${describeBytes(peak)}, ${pct(ratio)} of the ${d.memoryLimit} limit, ${span}`,
      });
    } else {
      add({ id: 'memory_peak', scope: 'container', level: 'info', value: peak, text: `working set peaked at ${describeBytes(peak)} ${span} (no memory limit)` });
    }
  }
  const slope = value('memorySlope');
  if (slope !== undefined && slope * 60 >= t.minGrowthBytesPerMinute) {
    add({ id: 'memory_growth', scope: 'container', level: 'info', value: slope * 60, text: `working set growing ${describeRate(slope * 60)} ${span}` });
  }

  // Pressure stall information (cgroup v2): the share of time some task waited on the resource.
  for (const [name, id, what] of [
    ['cpuPressure', 'cpu_pressure', 'CPU'],
    ['memoryPressure', 'memory_pressure', 'memory'],
    ['ioPressure', 'io_pressure', 'IO'],
  ] as const) {
    const ratio = value(name);
    if (ratio === undefined || ratio < 0.01) continue;
    add({
      id, scope: 'container', level: ratio >= t.pressureRatio ? 'warning' : 'info', value: ratio,
      text: `${what} pressure: tasks waited ${pct(Math.min(1, ratio))} of the time ${span}`,
    });
  }

  // Network errors of the pod (cAdvisor counts them per pod network namespace).
  for (const [now, before, id, what] of [
    ['receiveErrors', 'receiveErrorsBefore', 'network_receive_errors', 'receive'],
    ['transmitErrors', 'transmitErrorsBefore', 'network_transmit_errors', 'transmit'],
  ] as const) {
    const n = value(now);
    if (n === undefined || Math.round(n) < 1) continue;
    const b = value(before);
    const earlier = `the ${window.windowMinutes} min before that`;
    if (b === undefined) {
      add({ id, scope: 'pod', level: 'warning', value: n, text: `network ${what} errors: ${count(n)} ${span}` });
    } else if (n > b) {
      add({ id, scope: 'pod', level: 'warning', value: n, text: `network ${what} errors rising: ${count(n)} ${span}, ${count(b)} in ${earlier}` });
    } else {
      add({ id, scope: 'pod', level: 'info', value: n, text: `network ${what} errors: ${count(n)} ${span}, ${count(b)} in ${earlier}` });
    }
  }

  // The node: pressure conditions kube-state-metrics saw, and node-wide memory stalls.
  if (d.nodeName) {
    for (const s of answers.nodeConditions ?? []) {
      const v = s.points.at(-1)?.v;
      const condition = s.labels.condition;
      if (v === undefined || !(v >= 1) || !condition) continue;
      const state = condition === 'Ready' ? 'NotReady' : `under ${condition}`;
      add({ id: 'node_condition', scope: 'node', level: 'warning', value: 1, text: `node ${d.nodeName} ${state} ${span}` });
    }
    const nodeMemory = value('nodeMemoryPressure');
    if (nodeMemory !== undefined && nodeMemory >= 0.01) {
      add({
        id: 'node_memory_pressure', scope: 'node', level: nodeMemory >= t.pressureRatio ? 'warning' : 'info', value: nodeMemory,
        text: `node ${d.nodeName} memory pressure: tasks waited ${pct(Math.min(1, nodeMemory))} of the time ${span}`,
      });
    }
  }

  // Earlier terminations kube-state-metrics recorded for another reason (an OOM before a crash loop).
  for (const s of answers.terminatedReasons ?? []) {
    const reason = s.labels.reason;
    const v = s.points.at(-1)?.v;
    if (!reason || v === undefined || !(v >= 1) || reason === d.reason) continue;
    add({
      id: 'earlier_termination', scope: 'container', level: reason === 'OOMKilled' ? 'warning' : 'info', value: 1,
      text: `kube-state-metrics: container last terminated with reason ${reason} ${span}`,
    });
  }

  const ordered = [...out.filter((s) => s.level === 'warning'), ...out.filter((s) => s.level === 'info')];
  return { source: 'prometheus', windowMinutes: window.windowMinutes, at: window.at, signals: ordered };
}
