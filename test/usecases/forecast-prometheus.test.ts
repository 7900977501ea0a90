// The leak forecast reads hours of working set from a real Prometheus when it is configured (three
// hours backfilled with promtool), and falls back to metrics.k8s.io when Prometheus fails.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createPrometheusReader } from '../../src/adapters/prometheus/prometheus-reader.ts';
import type { PodSnapshot } from '../../src/core/model.ts';
import { MEBIBYTE } from '../../src/core/quantity.ts';
import { usageByContainer } from '../../src/core/signals/working-set.ts';
import { silentLogger } from '../../src/logging.ts';
import type { ContainerUsage, MetricsReader, UsageHistory } from '../../src/ports.ts';
import { forecastNamespace } from '../../src/usecases/forecast-namespace.ts';
import { workingSetHistory } from '../../src/usecases/gather-signals.ts';
import { freePort } from '../support/test-cluster/free-port.ts';
import { startPrometheus, type TestPrometheus } from '../support/prometheus/server.ts';
import { containerSeries } from '../support/prometheus/synthetic.ts';
import { describeWithPrometheus } from '../support/prometheus/tools.ts';

const NOW = Math.floor(Date.now() / 1000);
const START = NOW - 3 * 3600;
const clock = { now: () => new Date(NOW * 1000) };

const pod: PodSnapshot = {
  namespace: 'shop', name: 'cache-1', nodeName: 'worker-1', phase: 'Running', labels: {}, ownerReferences: [],
  containers: [
    { name: 'app', type: 'app', ready: true, restartCount: 0, memoryLimit: '256Mi', state: { kind: 'running', startedAt: new Date(START * 1000).toISOString() } },
    { name: 'steady', type: 'app', ready: true, restartCount: 0, memoryLimit: '256Mi', state: { kind: 'running', startedAt: new Date(START * 1000).toISOString() } },
  ],
};

/** metrics.k8s.io as the fallback: one sample per call, recorded in memory. */
function metricsApi(): { metrics: MetricsReader; history: UsageHistory; calls: string[] } {
  const calls: string[] = [];
  const stored: ContainerUsage[] = [];
  return {
    calls,
    metrics: {
      available: async () => { calls.push('available'); return true; },
      podMetrics: async () => { calls.push('podMetrics'); return [{ pod: 'cache-1', container: 'app', bytes: 200 * MEBIBYTE, at: new Date(NOW * 1000).toISOString() }]; },
    },
    history: {
      record: async (s) => { stored.push(...s); },
      samples: async () => stored.map(({ at, bytes }) => ({ at, bytes })),
    },
  };
}

describeWithPrometheus('leak forecast from Prometheus', (tools) => {
  let prom: TestPrometheus;
  beforeAll(async () => {
    // +0.8 MiB a minute from 100Mi: 244Mi now, the 256Mi limit in 15 minutes.
    const series = [
      ...containerSeries({ namespace: 'shop', pod: 'cache-1', container: 'app', node: 'worker-1', origin: START, workingSet: (t) => (100 + ((t - START) / 60) * 0.8) * MEBIBYTE }),
      ...containerSeries({ namespace: 'shop', pod: 'cache-1', container: 'steady', node: 'worker-1', origin: START, workingSet: (t) => (120 + Math.sin(t / 600)) * MEBIBYTE }),
    ];
    prom = await startPrometheus(tools, { history: { series, from: START, to: NOW, stepSeconds: 30 } });
  });
  afterAll(async () => prom?.stop());

  it('forecasts from three hours of working set at once, without the metrics API', async () => {
    const api = metricsApi();
    const deps = { ...api, logger: silentLogger, clock, workingSetHistory: (ns: string) => workingSetHistory({ prometheus: createPrometheusReader({ url: prom.url, timeoutMs: 5000 }), clock, logger: silentLogger }, ns, 180) };
    const detections = await forecastNamespace(deps, { namespace: 'shop', pods: [pod], horizonMinutes: 60 });
    expect(detections.map((d) => `${d.kind} ${d.pod}/${d.container}`)).toEqual(['MemoryLeakForecast cache-1/app']);
    expect(detections[0]!.facts[0]).toMatch(/^working set 24\d(\.\d)?Mi of 256Mi limit, \+0\.8 MiB\/min \(r²=1\.00, 1[78]\d samples over 1[78]\d min\): limit in about 1[45] minutes$/);
    expect(api.calls).toEqual([]);
  });

  it('falls back to metrics.k8s.io when Prometheus cannot be reached', async () => {
    const api = metricsApi();
    const down = createPrometheusReader({ url: `http://127.0.0.1:${await freePort()}`, timeoutMs: 1000 });
    const deps = { ...api, logger: silentLogger, clock, workingSetHistory: (ns: string) => workingSetHistory({ prometheus: down, clock, logger: silentLogger }, ns, 180) };
    expect(await forecastNamespace(deps, { namespace: 'shop', pods: [pod], horizonMinutes: 60 })).toEqual([]);
    expect(api.calls).toEqual(['available', 'podMetrics']);
  });
});

it('turns range answers into usage points by container, dropping what is not a size', () => {
  const map = usageByContainer([
    { labels: { pod: 'a', container: 'app' }, points: [{ t: 1_700_000_000, v: 5 }, { t: 1_700_000_060, v: NaN }, { t: 1_700_000_120, v: -1 }, { t: 1_700_000_180, v: 7 }] },
    { labels: { pod: 'a' }, points: [{ t: 1_700_000_000, v: 5 }] },
    { labels: { pod: 'b', container: 'app' }, points: [{ t: 1_700_000_000, v: Infinity }] },
  ]);
  expect([...map.entries()]).toEqual([['a/app', [{ at: '2023-11-14T22:13:20.000Z', bytes: 5 }, { at: '2023-11-14T22:16:20.000Z', bytes: 7 }]]]);
});
