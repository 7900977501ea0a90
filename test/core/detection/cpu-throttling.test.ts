// Sustained CPU throttling from range answers: every minute of the window at or above the
// threshold, enough CFS periods to judge, a running container of a scanned pod.
import { describe, expect, it } from 'vitest';
import { CPU_THROTTLING_REASON, describeCores, detectCpuThrottling, throttlingQueries, type ThrottlingAnswers } from '../../../src/core/detection/cpu-throttling.ts';
import { fingerprint } from '../../../src/core/detection/fingerprint.ts';
import { hasResourceDecision, incidentFamily, problemGroup } from '../../../src/core/detection/family.ts';
import { parsePod } from '../../../src/core/kube/parse.ts';
import { DetectionSchema, type PodSnapshot } from '../../../src/core/model.ts';
import type { PromSeries } from '../../../src/core/signals/series.ts';
import { kubeFixture } from '../../fixtures/kube/load.ts';

const pod: PodSnapshot = parsePod(kubeFixture('pod-leaking-running'));
const POD = pod.name;
const END = 1_741_080_000;
const opts = { thresholdRatio: 0.25, sustainedMinutes: 15, stepSeconds: 60 };

/** A range answer for one container: one point a minute for `minutes` minutes, ending at END. */
function range(container: string, minutes: number, value: (i: number) => number, podName = POD): PromSeries {
  const points = Array.from({ length: minutes + 1 }, (_, i) => ({ t: END - (minutes - i) * 60, v: value(i) }));
  return { labels: { pod: podName, container }, points };
}
const instant = (container: string, v: number): PromSeries => ({ labels: { pod: POD, container }, points: [{ t: END, v }] });

function answers(ratio: (i: number) => number, o: { minutes?: number; periods?: number; container?: string } = {}): ThrottlingAnswers {
  const periods = o.periods ?? 3000;
  const container = o.container ?? 'cache';
  return {
    throttledPeriods: [range(container, o.minutes ?? 15, (i) => ratio(i) * periods)],
    periods: [range(container, o.minutes ?? 15, () => periods)],
  };
}

describe('detectCpuThrottling', () => {
  it('opens a cpu incident for a container throttled in every minute of the window', () => {
    const [d] = detectCpuThrottling([pod], {
      ...answers((i) => (i % 2 === 0 ? 0.8 : 0.7)),
      limitCores: [instant('cache', 0.5)],
      usageCores: [instant('cache', 0.49)],
      throttledSeconds: [instant('cache', 1.2)],
    }, opts);
    expect(DetectionSchema.parse(d)).toEqual(d);
    expect(d).toMatchObject({ kind: 'CpuThrottling', namespace: 'shop', pod: POD, container: 'cache', reason: CPU_THROTTLING_REASON, nodeName: pod.nodeName });
    expect(d!.facts.slice(0, 4)).toEqual([
      'container_cpu_cfs_throttled_periods_total / container_cpu_cfs_periods_total: 75% of CFS periods throttled on average over the last 15 min, at least 70% in every 5-min window (threshold 25%, about 3000 periods per window)',
      'CPU limit 500m (container_spec_cpu_quota / container_spec_cpu_period)',
      'CPU usage 490m over the last 5 min (container_cpu_usage_seconds_total), 98% of the limit',
      'throttled 1.2 s per second (container_cpu_cfs_throttled_seconds_total)',
    ]);
    expect(incidentFamily('CpuThrottling')).toBe('cpu');
    expect(problemGroup('CpuThrottling')).toBe('cpu-throttling');
    expect(fingerprint(d!, { kind: 'Deployment', name: 'session-cache' })).toMatch(/^cpu-throttling-[0-9a-f]{16}$/);
    // A CPU limit is recommended from what was measured, and approved or rejected like a memory limit.
    expect(hasResourceDecision('CpuThrottling')).toBe(true);
    expect(d!.cpu).toEqual({ throttledRatio: 0.75, usageCores: 0.49, throttledSecondsPerSecond: 1.2, limitCores: 0.5 });
  });

  it.each([
    { name: 'one minute below the threshold', a: answers((i) => (i === 7 ? 0.2 : 0.9)) },
    { name: 'too short a history', a: answers(() => 0.9, { minutes: 10 }) },
    { name: 'too few CFS periods to judge', a: answers(() => 0.9, { periods: 5 }) },
    { name: 'a container the pod does not have', a: answers(() => 0.9, { container: 'gone' }) },
    { name: 'a pod the scan did not list', a: { throttledPeriods: [range('cache', 15, () => 2700, 'other-pod')], periods: [range('cache', 15, () => 3000, 'other-pod')] } },
    { name: 'no periods series', a: { throttledPeriods: [range('cache', 15, () => 2700)], periods: [] } },
    { name: 'NaN points', a: answers(() => NaN) },
  ])('opens nothing for $name', ({ a }) => {
    expect(detectCpuThrottling([pod], a, opts)).toEqual([]);
  });

  it('tolerates one missing minute (a scrape gap)', () => {
    const a = answers(() => 0.6);
    a.throttledPeriods[0]!.points.splice(4, 1);
    expect(detectCpuThrottling([pod], a, opts)).toHaveLength(1);
  });

  it('leaves out facts whose series are absent', () => {
    const [d] = detectCpuThrottling([pod], answers(() => 0.5), opts);
    expect(d!.facts[1]).toBe('containerStatuses[cache].restartCount=0');
  });

  it('only judges running containers', () => {
    const stopped: PodSnapshot = { ...pod, containers: pod.containers.map((c) => ({ ...c, state: { kind: 'waiting', reason: 'CrashLoopBackOff' } })) };
    expect(detectCpuThrottling([stopped], answers(() => 0.9), opts)).toEqual([]);
  });

  it('asks Prometheus per pod and container of the namespace, without the pause container', () => {
    const q = throttlingQueries('shop');
    expect(q.throttledPeriods).toBe('sum by (pod, container) (increase(container_cpu_cfs_throttled_periods_total{namespace="shop",container!="",container!="POD"}[5m]))');
    expect(q.limitCores).toContain('container_spec_cpu_quota{namespace="shop",container!="",container!="POD"} / container_spec_cpu_period');
  });

  it.each([[0.25, '250m'], [1, '1'], [1.5, '1.5'], [2.333, '2.33']])('writes %d cores as %s', (cores, text) => {
    expect(describeCores(cores)).toBe(text);
  });
});
