// Signals from query answers: the throttled share, the memory peak against the limit, growth,
// pressure, network errors against the window before, node conditions and earlier terminations.
import { describe, expect, it } from 'vitest';
import {
  correlateSignals, correlationQueries, signalWindow, type CorrelationAnswers, type SignalTarget,
} from '../../../src/core/signals/correlate.ts';
import { IncidentSignalsSchema, warningSignals } from '../../../src/core/signals/signal.ts';
import type { PromSeries } from '../../../src/core/signals/series.ts';
import { MEBIBYTE } from '../../../src/core/quantity.ts';
import { oomKilled, crashLoop } from '../../fixtures/detections/memory.ts';

const at = Date.parse('2025-03-04T09:12:41Z') / 1000;
const one = (v: number, labels: Record<string, string> = {}): PromSeries[] => [{ labels, points: [{ t: at, v }] }];
const target: SignalTarget = oomKilled;
const window = signalWindow(target, new Date('2025-03-04T09:20:00Z'), 10);

describe('signalWindow', () => {
  it('ends at the last termination and names the OOM', () => {
    expect(window).toEqual({ at: '2025-03-04T09:12:41.000Z', windowMinutes: 10, moment: 'the OOM' });
  });

  it('ends now for incidents without a termination, and for a termination in the future', () => {
    const now = new Date('2025-03-04T09:00:00Z');
    expect(signalWindow({ ...target, lastTerminatedAt: undefined, kind: 'CpuThrottling', reason: 'x' }, now, 15)).toEqual({ at: now.toISOString(), windowMinutes: 15, moment: 'detection' });
    expect(signalWindow(target, now, 10).at).toBe(now.toISOString());
    expect(signalWindow({ ...target, lastTerminatedAt: undefined, kind: 'EvictedMemory' }, now, 10).moment).toBe('the eviction');
    expect(signalWindow({ ...target, reason: 'Error', kind: 'CrashLoop' }, new Date('2026-01-01T00:00:00Z'), 10).moment).toBe('the last termination');
  });
});

describe('correlationQueries', () => {
  it('selects the container, its pod and its node, over the window', () => {
    const q = correlationQueries(target, 10);
    expect(q.cpuThrottledPeriods).toBe('sum(increase(container_cpu_cfs_throttled_periods_total{namespace="demo",pod="checkout-6d8f7b9c5-x2klp",container="app"}[10m]))');
    expect(q.receiveErrorsBefore).toBe('sum(increase(container_network_receive_errors_total{namespace="demo",pod="checkout-6d8f7b9c5-x2klp"}[10m] offset 10m))');
    expect(q.nodeConditions).toContain('kube_node_status_condition{node="worker-1",condition=~"MemoryPressure|DiskPressure|PIDPressure",status="true"}');
    expect(q.nodeMemoryPressure).toBe('max(rate(container_pressure_memory_waiting_seconds_total{node="worker-1",id="/"}[10m]))');
  });

  it('asks nothing about a node the pod does not have', () => {
    const q = correlationQueries({ ...target, nodeName: undefined }, 10);
    expect(q.nodeConditions).toBeUndefined();
    expect(q.nodeMemoryPressure).toBeUndefined();
  });
});

describe('correlateSignals', () => {
  it('says how throttled the container was in the window before the OOM', () => {
    const s = correlateSignals({ cpuThrottledPeriods: one(4680), cpuPeriods: one(6000) }, target, window);
    expect(IncidentSignalsSchema.parse(s)).toEqual(s);
    expect(s.signals).toEqual([{
      id: 'cpu_throttling', scope: 'container', level: 'warning', value: 0.78,
      text: 'CPU throttled 78% of periods in the 10 min before the OOM (4680 of 6000 CFS periods)',
    }]);
  });

  it('keeps light throttling as a reading, and ignores a container that hardly ran', () => {
    expect(correlateSignals({ cpuThrottledPeriods: one(300), cpuPeriods: one(6000) }, target, window).signals[0]).toMatchObject({ level: 'info', value: 0.05 });
    expect(correlateSignals({ cpuThrottledPeriods: one(3), cpuPeriods: one(4) }, target, window).signals).toEqual([]);
  });

  it('compares the working-set peak with the limit, and reports growth', () => {
    const s = correlateSignals({ memoryPeak: one(63.5 * MEBIBYTE), memorySlope: one((2 * MEBIBYTE) / 60) }, target, window);
    expect(s.signals.map((x) => [x.level, x.text])).toEqual([
      ['warning', 'working set peaked at 63.5Mi, 99% of the 64Mi limit, in the 10 min before the OOM'],
      ['info', 'working set growing +2 MiB/min in the 10 min before the OOM'],
    ]);
    const low = correlateSignals({ memoryPeak: one(20 * MEBIBYTE), memorySlope: one(10) }, target, window);
    expect(low.signals.map((x) => x.level)).toEqual(['info']);
    const unlimited = correlateSignals({ memoryPeak: one(20 * MEBIBYTE) }, { ...target, memoryLimit: undefined }, window);
    expect(unlimited.signals[0]?.text).toBe('working set peaked at 20Mi in the 10 min before the OOM (no memory limit)');
  });

  it('reports pressure stall information where cAdvisor has it', () => {
    const s = correlateSignals({ memoryPressure: one(0.23), cpuPressure: one(0.04), ioPressure: one(0.001) }, target, window);
    expect(s.signals.map((x) => [x.id, x.level, x.text])).toEqual([
      ['memory_pressure', 'warning', 'memory pressure: tasks waited 23% of the time in the 10 min before the OOM'],
      ['cpu_pressure', 'info', 'CPU pressure: tasks waited 4% of the time in the 10 min before the OOM'],
    ]);
  });

  it('says network errors are rising only when there are more than in the window before', () => {
    const rising = correlateSignals({ receiveErrors: one(120), receiveErrorsBefore: one(4), transmitErrors: one(3), transmitErrorsBefore: one(9) }, target, window);
    expect(rising.signals.map((x) => [x.level, x.text])).toEqual([
      ['warning', 'network receive errors rising: 120 in the 10 min before the OOM, 4 in the 10 min before that'],
      ['info', 'network transmit errors: 3 in the 10 min before the OOM, 9 in the 10 min before that'],
    ]);
    expect(correlateSignals({ receiveErrors: one(0), receiveErrorsBefore: one(0) }, target, window).signals).toEqual([]);
  });

  it('names the node conditions kube-state-metrics saw, and node-wide memory stalls', () => {
    const answers: CorrelationAnswers = {
      nodeConditions: [...one(1, { condition: 'MemoryPressure' }), ...one(0, { condition: 'DiskPressure' }), ...one(1, { condition: 'Ready' })],
      nodeMemoryPressure: one(0.31),
    };
    expect(warningSignals(correlateSignals(answers, target, window)).map((x) => x.text)).toEqual([
      'node worker-1 under MemoryPressure in the 10 min before the OOM',
      'node worker-1 NotReady in the 10 min before the OOM',
      'node worker-1 memory pressure: tasks waited 31% of the time in the 10 min before the OOM',
    ]);
  });

  it('mentions an earlier termination for another reason, an OOM as a warning', () => {
    const crash: SignalTarget = { ...crashLoop, kind: 'CrashLoop', reason: 'Error' };
    const w = signalWindow(crash, new Date('2025-03-04T09:20:00Z'), 10);
    const s = correlateSignals({ terminatedReasons: [...one(1, { reason: 'OOMKilled' }), ...one(1, { reason: 'Error' })] }, crash, w);
    expect(s.signals).toEqual([expect.objectContaining({ id: 'earlier_termination', level: 'warning', text: 'kube-state-metrics: container last terminated with reason OOMKilled in the 10 min before the last termination' })]);
  });

  it('puts warnings first and gives nothing for absent, empty or non-finite answers', () => {
    const s = correlateSignals({
      memoryPeak: one(10 * MEBIBYTE), cpuThrottledPeriods: one(5000), cpuPeriods: one(6000),
      memorySlope: [], ioPressure: one(NaN), receiveErrors: one(Infinity),
    }, target, window);
    expect(s.signals.map((x) => x.id)).toEqual(['cpu_throttling', 'memory_peak']);
    expect(correlateSignals({}, target, window)).toEqual({ source: 'prometheus', windowMinutes: 10, at: window.at, signals: [] });
  });
});
