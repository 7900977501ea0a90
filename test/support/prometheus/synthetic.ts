// Series shaped like what the kubelet's cAdvisor endpoint and kube-state-metrics export, as
// functions of time: counters integrate a rate second by second, gauges are read directly. The
// same series serve a live scrape (exporter.ts, values at the real now) and hours of history
// (openMetricsHistory, backfilled with promtool), so the two join into one continuous series.

export type Labels = Record<string, string>;

export interface SyntheticSeries {
  name: string;
  labels: Labels;
  /** Value at Unix time `t` (seconds). */
  valueAt(t: number): number;
}

/** A counter from `origin` on: the sum of `rate(s)` over each whole second s, linear within a second. */
export function counter(name: string, labels: Labels, rate: (t: number) => number, origin: number): SyntheticSeries {
  const start = Math.floor(origin);
  const sums: number[] = [0];
  const upTo = (second: number): number => {
    for (let i = sums.length; i <= second - start; i++) sums.push(sums[i - 1]! + rate(start + i - 1));
    return sums[second - start]!;
  };
  return {
    name,
    labels,
    valueAt(t) {
      if (t <= start) return 0;
      const whole = Math.floor(t);
      return upTo(whole) + rate(whole) * (t - whole);
    },
  };
}

export function gauge(name: string, labels: Labels, value: (t: number) => number): SyntheticSeries {
  return { name, labels, valueAt: value };
}

export interface ContainerModel {
  namespace: string;
  pod: string;
  container: string;
  /** The node label kube-prometheus puts on kubelet series. */
  node: string;
  /** When the counters start (Unix seconds). */
  origin: number;
  cpu?: {
    limitCores: number;
    /** Share of CFS periods throttled at time t (0..1). */
    throttledRatio: (t: number) => number;
    /** CFS periods per second in which the container was runnable (10 = always, with the default 100 ms period). */
    periodsPerSecond?: number;
  };
  /** Working set in bytes at time t. */
  workingSet?: (t: number) => number;
  /** PSI "some" share of time tasks waited for memory at time t (0..1). */
  memoryPressure?: (t: number) => number;
  /** Network errors per second of the pod at time t. */
  receiveErrorsPerSecond?: (t: number) => number;
  /** kube-state-metrics: the reason of the container's last termination. */
  lastTerminatedReason?: string;
}

const CFS_PERIOD_US = 100_000;

/** Everything cAdvisor (and kube-state-metrics) would export about one container. */
export function containerSeries(m: ContainerModel): SyntheticSeries[] {
  const id = `/kubepods/burstable/pod-${m.pod}/${m.container}`;
  const c: Labels = { namespace: m.namespace, pod: m.pod, container: m.container, id, image: `registry.example/${m.container}:1`, name: `${m.pod}_${m.container}`, node: m.node };
  const out: SyntheticSeries[] = [];
  if (m.cpu) {
    const cpu = m.cpu;
    const periods = cpu.periodsPerSecond ?? 10;
    out.push(
      counter('container_cpu_cfs_periods_total', c, () => periods, m.origin),
      counter('container_cpu_cfs_throttled_periods_total', c, (t) => periods * cpu.throttledRatio(t), m.origin),
      // A throttled container runs close to its limit; each throttled period costs the rest of the period.
      counter('container_cpu_usage_seconds_total', c, (t) => cpu.limitCores * (0.6 + 0.4 * cpu.throttledRatio(t)), m.origin),
      counter('container_cpu_cfs_throttled_seconds_total', c, (t) => periods * cpu.throttledRatio(t) * 0.05, m.origin),
      gauge('container_spec_cpu_quota', c, () => cpu.limitCores * CFS_PERIOD_US),
      gauge('container_spec_cpu_period', c, () => CFS_PERIOD_US),
    );
  }
  if (m.workingSet) out.push(gauge('container_memory_working_set_bytes', c, m.workingSet));
  if (m.memoryPressure) {
    const p = m.memoryPressure;
    out.push(counter('container_pressure_memory_waiting_seconds_total', c, (t) => p(t), m.origin));
  }
  // Network counters belong to the pod's sandbox (cAdvisor: container="", interface="eth0").
  const net: Labels = { namespace: m.namespace, pod: m.pod, container: '', id: `/kubepods/burstable/pod-${m.pod}`, interface: 'eth0', node: m.node };
  const rx = m.receiveErrorsPerSecond;
  out.push(
    counter('container_network_receive_errors_total', net, (t) => rx?.(t) ?? 0, m.origin),
    counter('container_network_transmit_errors_total', net, () => 0, m.origin),
  );
  if (m.lastTerminatedReason) {
    out.push(gauge('kube_pod_container_status_last_terminated_reason', { namespace: m.namespace, pod: m.pod, container: m.container, reason: m.lastTerminatedReason, uid: `uid-${m.pod}` }, () => 1));
  }
  return out;
}

/** kube-state-metrics' node conditions: one series per condition and status, 1 for the current status. */
export function nodeConditionSeries(node: string, conditions: (t: number) => Record<string, boolean>): SyntheticSeries[] {
  const names = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'];
  return names.flatMap((condition) =>
    (['true', 'false', 'unknown'] as const).map((status) =>
      gauge('kube_node_status_condition', { node, condition, status }, (t) => {
        const on = conditions(t)[condition] ?? condition === 'Ready';
        return status === 'unknown' ? 0 : (status === 'true') === on ? 1 : 0;
      })));
}

function labelText(labels: Labels): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`);
  return parts.length > 0 ? `{${parts.join(',')}}` : '';
}

function number(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

/** The text exposition format (what an exporter serves) at time t. */
export function exposition(series: readonly SyntheticSeries[], t: number): string {
  return series.map((s) => `${s.name}${labelText(s.labels)} ${number(s.valueAt(t))}`).join('\n') + '\n';
}

/**
 * OpenMetrics text with timestamps for `promtool tsdb create-blocks-from openmetrics`: every series
 * from `from` to `to` (Unix seconds) every `stepSeconds`, each series' samples together and in
 * time order, with `extra` labels (the job and instance a live scrape of the same series adds).
 */
export function openMetricsHistory(series: readonly SyntheticSeries[], o: { from: number; to: number; stepSeconds: number; extra: Labels }): string {
  const lines: string[] = [];
  for (const s of [...series].sort((a, b) => a.name.localeCompare(b.name))) {
    const labels = labelText({ ...s.labels, ...o.extra });
    for (let t = o.from; t <= o.to; t += o.stepSeconds) lines.push(`${s.name}${labels} ${number(s.valueAt(t))} ${t}`);
  }
  lines.push('# EOF');
  return lines.join('\n') + '\n';
}
