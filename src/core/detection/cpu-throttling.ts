// Sustained CPU throttling, read from cAdvisor's CFS counters in Prometheus: a running container
// whose throttled share of CFS periods stayed at or above the threshold in every minute of the
// last N minutes (each minute judged over a 5-minute rate window) is a CpuThrottling incident.
// Not a pod rule (pods do not show throttling): the use case runs `throttlingQueries` over the
// window and hands the answers here.
import type { ContainerSnapshot, Detection, PodSnapshot } from '../model.ts';
import { minutes, selector } from '../signals/promql.ts';
import { valuesBy, type PromSeries } from '../signals/series.ts';
import { baseDetection, contextFacts } from './facts.ts';

export const CPU_THROTTLING_REASON = 'throttled by its CPU limit';

/** Each point of the range judges this many minutes of counters. */
export const THROTTLING_RATE_MINUTES = 5;

export interface ThrottlingOptions {
  /** Throttled share of CFS periods (0..1) at or above which a minute counts as throttled. */
  thresholdRatio: number;
  /** Every point of this many minutes must be throttled. */
  sustainedMinutes: number;
  /** Step of the range query, seconds. */
  stepSeconds: number;
  /** A point with fewer CFS periods in its rate window shows too little CPU activity to judge. */
  minPeriods?: number;
}

export interface ThrottlingQueries {
  /** Range queries, by pod and container. */
  throttledPeriods: string;
  periods: string;
  /** Instant queries for the facts: the CFS quota as cores, usage and throttled time, by pod and container. */
  limitCores: string;
  usageCores: string;
  throttledSeconds: string;
}

export function throttlingQueries(namespace: string): ThrottlingQueries {
  const sel = selector({ namespace }, ['container!=""', 'container!="POD"']);
  const w = minutes(THROTTLING_RATE_MINUTES);
  const by = 'sum by (pod, container)';
  return {
    throttledPeriods: `${by} (increase(container_cpu_cfs_throttled_periods_total${sel}[${w}]))`,
    periods: `${by} (increase(container_cpu_cfs_periods_total${sel}[${w}]))`,
    limitCores: `max by (pod, container) (container_spec_cpu_quota${sel} / container_spec_cpu_period${sel})`,
    usageCores: `${by} (rate(container_cpu_usage_seconds_total${sel}[${w}]))`,
    throttledSeconds: `${by} (rate(container_cpu_cfs_throttled_seconds_total${sel}[${w}]))`,
  };
}

export interface ThrottlingAnswers {
  throttledPeriods: PromSeries[];
  periods: PromSeries[];
  limitCores?: PromSeries[];
  usageCores?: PromSeries[];
  throttledSeconds?: PromSeries[];
}

interface Judged {
  mean: number;
  min: number;
  points: number;
  periods: number;
}

/** Throttled share per point, where both counters have a point and enough periods. */
function judge(throttled: PromSeries, periods: PromSeries | undefined, minPeriods: number): Judged | undefined {
  if (!periods) return undefined;
  const total = new Map(periods.points.map((p) => [p.t, p.v]));
  const ratios: number[] = [];
  let periodSum = 0;
  for (const p of throttled.points) {
    const n = total.get(p.t);
    if (n === undefined || !Number.isFinite(n) || !Number.isFinite(p.v) || n < minPeriods) continue;
    ratios.push(Math.min(1, Math.max(0, p.v / n)));
    periodSum += n;
  }
  if (ratios.length === 0) return undefined;
  return { mean: ratios.reduce((a, b) => a + b, 0) / ratios.length, min: Math.min(...ratios), points: ratios.length, periods: periodSum / ratios.length };
}

const pct = (r: number): string => `${Math.round(r * 100)}%`;
const key = (labels: Record<string, string>): string => `${labels.pod ?? ''}/${labels.container ?? ''}`;

/** "500m" for half a core, "2" for two, "1.5" for one and a half. */
export function describeCores(cores: number): string {
  if (cores < 1) return `${Math.round(cores * 1000)}m`;
  return String(Math.round(cores * 100) / 100);
}

export function detectCpuThrottling(pods: readonly PodSnapshot[], answers: ThrottlingAnswers, opts: ThrottlingOptions): Detection[] {
  const minPeriods = opts.minPeriods ?? 10;
  // One missing point (a scrape gap) is tolerated; a series that covers less of the window is not sustained.
  const needed = Math.max(1, Math.floor((opts.sustainedMinutes * 60) / opts.stepSeconds));
  const periods = new Map(answers.periods.map((s) => [key(s.labels), s]));
  const limits = valuesBy(answers.limitCores ?? [], ['pod', 'container']);
  const usage = valuesBy(answers.usageCores ?? [], ['pod', 'container']);
  const throttledTime = valuesBy(answers.throttledSeconds ?? [], ['pod', 'container']);
  const byName = new Map(pods.map((p) => [p.name, p]));
  const out: Detection[] = [];

  for (const series of answers.throttledPeriods) {
    const pod = byName.get(series.labels.pod ?? '');
    const c: ContainerSnapshot | undefined = pod?.containers.find((x) => x.name === series.labels.container);
    if (!pod || !c || c.state.kind !== 'running') continue;
    const j = judge(series, periods.get(key(series.labels)), minPeriods);
    if (!j || j.points < needed || j.min < opts.thresholdRatio) continue;

    const k = key(series.labels);
    const limit = limits.get(k);
    const used = usage.get(k);
    const waited = throttledTime.get(k);
    const facts = [
      `container_cpu_cfs_throttled_periods_total / container_cpu_cfs_periods_total: ${pct(j.mean)} of CFS periods throttled on average over the last ${opts.sustainedMinutes} min, `
        + `at least ${pct(j.min)} in every ${THROTTLING_RATE_MINUTES}-min window (threshold ${pct(opts.thresholdRatio)}, about ${Math.round(j.periods)} periods per window)`,
      ...(limit !== undefined && limit > 0 ? [`CPU limit ${describeCores(limit)} (container_spec_cpu_quota / container_spec_cpu_period)`] : []),
      ...(used !== undefined
        ? [`CPU usage ${describeCores(used)} over the last ${THROTTLING_RATE_MINUTES} min (container_cpu_usage_seconds_total)${limit ? `, ${pct(used / limit)} of the limit` : ''}`]
        : []),
      ...(waited !== undefined && waited > 0 ? [`throttled ${Math.round(waited * 100) / 100} s per second (container_cpu_cfs_throttled_seconds_total)`] : []),
    ];
    out.push({
      kind: 'CpuThrottling',
      ...baseDetection(pod, c, c.name),
      reason: CPU_THROTTLING_REASON,
      facts: [...facts, ...contextFacts(pod, c)],
      cpu: {
        throttledRatio: j.mean,
        ...(used !== undefined && Number.isFinite(used) && used >= 0 ? { usageCores: used } : {}),
        ...(waited !== undefined && Number.isFinite(waited) && waited >= 0 ? { throttledSecondsPerSecond: waited } : {}),
        ...(limit !== undefined && Number.isFinite(limit) && limit > 0 ? { limitCores: limit } : {}),
      },
    });
  }
  return out;
}
