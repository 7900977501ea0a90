// The per-namespace thresholds as the agent wires them: the rules a scan or a watch runs, and the
// CPU throttling check, follow the namespace's policy and fall back to the agent's settings.
import { describe, expect, it } from 'vitest';
import { detectionSettings } from '../../src/app/detection-settings.ts';
import { prometheusSignals } from '../../src/app/prometheus-signals.ts';
import { DETECTION_RULES } from '../../src/core/detection/registry.ts';
import { PolicySchema, type Policy, type PolicyInput } from '../../src/core/policy/schema.ts';
import { silentLogger } from '../../src/logging.ts';
import type { PrometheusReader } from '../../src/ports.ts';
import { parsePod } from '../../src/core/kube/parse.ts';
import { kubeFixture } from '../fixtures/kube/load.ts';

const policy = (name: string, spec: Partial<PolicyInput['spec']>): Policy =>
  PolicySchema.parse({ apiVersion: 'kube-ai-sre/v1', kind: 'MemoryPolicy', metadata: { name }, spec: { namespaces: ['*'], maxMemoryLimit: '4Gi', ...spec } });
const policies = [
  policy('default', {}),
  policy('batch', { namespaces: ['batch'], thresholds: { crashLoopRestarts: 10, cpuThrottlingPercent: 0 } }),
  policy('checkout', { namespaces: ['checkout'], thresholds: { cpuThrottlingPercent: 10, cpuThrottlingMinutes: 5 } }),
];
const config = { CPU_THROTTLING_PERCENT: 25, CPU_THROTTLING_MINUTES: 15 };
const NOW = new Date('2026-11-28T10:00:00Z');

function recordingPrometheus(): PrometheusReader & { ranges: Array<{ promql: string; minutes: number }> } {
  const ranges: Array<{ promql: string; minutes: number }> = [];
  return {
    ranges,
    query: async () => [],
    queryRange: async (promql, range) => { ranges.push({ promql, minutes: (range.end.getTime() - range.start.getTime()) / 60_000 }); return []; },
    check: async () => undefined,
  };
}

describe('detectionSettings', () => {
  it('gives each namespace the rules and thresholds of its policy', () => {
    const s = detectionSettings(policies, config);
    expect(s.rulesFor('demo')).toBe(DETECTION_RULES);
    expect(s.rulesFor('batch')).not.toBe(DETECTION_RULES);
    expect(s.thresholds('checkout')).toEqual({ crashLoopRestarts: 3, cpuThrottlingPercent: 10, cpuThrottlingMinutes: 5 });
    expect(s.thresholds('demo')).toEqual({ crashLoopRestarts: 3, cpuThrottlingPercent: 25, cpuThrottlingMinutes: 15 });
  });

  it('without the CPU settings (the CLI) leaves throttling off unless a policy turns it on', () => {
    const s = detectionSettings(policies);
    expect(s.thresholds('demo').cpuThrottlingPercent).toBe(0);
    expect(s.thresholds('checkout').cpuThrottlingPercent).toBe(10);
  });
});

describe('the throttling check per namespace', () => {
  const pods = [parsePod(kubeFixture('pod-oom-recovered-running'))];

  it.each([
    { ns: 'demo', queried: 15 },
    { ns: 'checkout', queried: 5 },
    { ns: 'batch', queried: undefined },
  ])('$ns: judged over $queried minutes', async ({ ns, queried }) => {
    const prom = recordingPrometheus();
    const signals = prometheusSignals({ ...config, PROMETHEUS_URL: 'http://127.0.0.1:9', PROMETHEUS_TIMEOUT_MS: 1000, SIGNAL_WINDOW_MINUTES: 10 }, { now: () => NOW }, silentLogger, prom, detectionSettings(policies, config).thresholds);
    const outcome = await signals.throttling!(ns, pods);
    expect(outcome).toEqual({ judged: true, detections: [] });
    if (queried === undefined) expect(prom.ranges).toEqual([]);
    else expect(new Set(prom.ranges.map((r) => r.minutes))).toEqual(new Set([queried]));
  });

  it('with the setting at 0 still judges a namespace whose policy sets a threshold', async () => {
    const prom = recordingPrometheus();
    const off = { CPU_THROTTLING_PERCENT: 0, CPU_THROTTLING_MINUTES: 15 };
    const signals = prometheusSignals({ ...off, PROMETHEUS_URL: 'http://127.0.0.1:9', PROMETHEUS_TIMEOUT_MS: 1000, SIGNAL_WINDOW_MINUTES: 10 }, { now: () => NOW }, silentLogger, prom, detectionSettings(policies, off).thresholds);
    await signals.throttling!('demo', pods);
    expect(prom.ranges).toEqual([]);
    await signals.throttling!('checkout', pods);
    expect(prom.ranges.length).toBeGreaterThan(0);
  });
});
