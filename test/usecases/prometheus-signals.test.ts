// Correlation and CPU throttling detection against a real Prometheus holding three hours of
// cAdvisor and kube-state-metrics history (backfilled with promtool) and scraping the test
// exporter live: the numbers an SRE would read off the same queries.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createPrometheusReader } from '../../src/adapters/prometheus/prometheus-reader.ts';
import type { Detection, PodSnapshot } from '../../src/core/model.ts';
import { MEBIBYTE } from '../../src/core/quantity.ts';
import { warningSignals } from '../../src/core/signals/signal.ts';
import { silentLogger } from '../../src/logging.ts';
import { detectThrottling } from '../../src/usecases/detect-throttling.ts';
import { gatherSignals } from '../../src/usecases/gather-signals.ts';
import { freePort } from '../support/test-cluster/free-port.ts';
import { startTestExporter, type TestExporter } from '../support/prometheus/exporter.ts';
import { startPrometheus, type TestPrometheus } from '../support/prometheus/server.ts';
import { containerSeries, nodeConditionSeries, type SyntheticSeries } from '../support/prometheus/synthetic.ts';
import { describeWithPrometheus } from '../support/prometheus/tools.ts';

const NOW = Math.floor(Date.now() / 1000);
const ORIGIN = NOW - 3 * 3600;
const OOM_AT = NOW - 90;
const clock = { now: () => new Date() };

function scenario(): SyntheticSeries[] {
  return [
    // Throttled 78% all along; memory climbing to the 64Mi limit in the last 10 minutes before the OOM;
    // receive errors only in the last 10 minutes.
    ...containerSeries({
      namespace: 'shop', pod: 'checkout-1', container: 'app', node: 'worker-1', origin: ORIGIN,
      cpu: { limitCores: 0.5, throttledRatio: () => 0.78 },
      workingSet: (t) => (t < OOM_AT - 600 ? 40 * MEBIBYTE : t <= OOM_AT ? 40 * MEBIBYTE + ((t - (OOM_AT - 600)) / 600) * 23.5 * MEBIBYTE : 20 * MEBIBYTE),
      receiveErrorsPerSecond: (t) => (t > OOM_AT - 600 ? 0.2 : 0),
      lastTerminatedReason: 'OOMKilled',
    }),
    // Barely throttled: a reading, never an incident.
    ...containerSeries({ namespace: 'shop', pod: 'quiet-1', container: 'app', node: 'worker-2', origin: ORIGIN, cpu: { limitCores: 1, throttledRatio: () => 0.05 }, workingSet: () => 30 * MEBIBYTE }),
    // Throttled hard, but only for the last 8 minutes: not sustained.
    ...containerSeries({ namespace: 'shop', pod: 'spiky-1', container: 'app', node: 'worker-2', origin: ORIGIN, cpu: { limitCores: 1, throttledRatio: (t) => (t > NOW - 480 ? 0.9 : 0.02) } }),
    ...nodeConditionSeries('worker-1', (t) => ({ Ready: true, MemoryPressure: t > NOW - 1200 })),
    ...nodeConditionSeries('worker-2', () => ({ Ready: true })),
  ];
}

function runningPod(name: string, node: string): PodSnapshot {
  return {
    namespace: 'shop', name, nodeName: node, phase: 'Running', labels: {}, ownerReferences: [{ kind: 'ReplicaSet', name: `${name}-rs`, controller: true }],
    containers: [{ name: 'app', type: 'app', ready: true, restartCount: 3, memoryLimit: '64Mi', state: { kind: 'running', startedAt: new Date(OOM_AT * 1000 + 5000).toISOString() } }],
  };
}

const oom: Detection = {
  kind: 'OOMKilled', namespace: 'shop', pod: 'checkout-1', container: 'app', containerType: 'app', nodeName: 'worker-1',
  reason: 'OOMKilled', exitCode: 137, restartCount: 3, memoryLimit: '64Mi', lastTerminatedAt: new Date(OOM_AT * 1000).toISOString(), facts: [],
};

describeWithPrometheus('Prometheus signals against a real Prometheus', (tools) => {
  let exporter: TestExporter;
  let prom: TestPrometheus;
  const deps = () => ({ prometheus: createPrometheusReader({ url: prom.url, timeoutMs: 5000 }), clock, logger: silentLogger });

  beforeAll(async () => {
    const series = scenario();
    exporter = await startTestExporter(series);
    prom = await startPrometheus(tools, { scrapeTarget: exporter.target, history: { series, from: ORIGIN, to: NOW - 5, stepSeconds: 15 } });
    await prom.waitForScrapes(2);
  });
  afterAll(async () => {
    await prom?.stop();
    await exporter?.close();
  });

  it('correlates an OOM with the throttling, memory, network errors and node pressure before it', async () => {
    const s = await gatherSignals(deps(), oom, { windowMinutes: 10 });
    expect(s).toMatchObject({ source: 'prometheus', windowMinutes: 10, at: oom.lastTerminatedAt });
    const texts = warningSignals(s).map((x) => x.text);
    expect(texts).toEqual([
      expect.stringMatching(/^CPU throttled 78% of periods in the 10 min before the OOM \(\d+ of \d+ CFS periods\)$/),
      expect.stringMatching(/^working set peaked at 63\.\dMi, 99% of the 64Mi limit, in the 10 min before the OOM$/),
      expect.stringMatching(/^network receive errors rising: 1[12]\d in the 10 min before the OOM, 0 in the 10 min before that$/),
      'node worker-1 under MemoryPressure in the 10 min before the OOM',
    ]);
    const growth = s!.signals.find((x) => x.id === 'memory_growth');
    expect(growth?.text).toMatch(/^working set growing \+2\.\d MiB\/min in the 10 min before the OOM$/);
    // The OOM itself is what kube-state-metrics reports: not an "earlier termination".
    expect(s!.signals.some((x) => x.id === 'earlier_termination')).toBe(false);
  });

  it('has only readings for a container that was fine', async () => {
    const s = await gatherSignals(deps(), { ...oom, pod: 'quiet-1', nodeName: 'worker-2', kind: 'CrashLoop', reason: 'Error' }, { windowMinutes: 10 });
    expect(warningSignals(s)).toEqual([]);
    expect(s!.signals.map((x) => x.text)).toContain('CPU throttled 5% of periods in the 10 min before the last termination (300 of 6000 CFS periods)');
  });

  it('opens CPU throttling only where it was sustained, with the facts an SRE checks', async () => {
    const pods = [runningPod('checkout-1', 'worker-1'), runningPod('quiet-1', 'worker-2'), runningPod('spiky-1', 'worker-2')];
    const outcome = await detectThrottling(deps(), { namespace: 'shop', pods }, { thresholdRatio: 0.25, sustainedMinutes: 15 });
    expect(outcome.judged).toBe(true);
    const detections = outcome.judged ? outcome.detections : [];
    expect(detections.map((d) => `${d.kind} ${d.pod}/${d.container}`)).toEqual(['CpuThrottling checkout-1/app']);
    expect(detections[0]!.facts.slice(0, 3)).toEqual([
      expect.stringMatching(/^container_cpu_cfs_throttled_periods_total \/ container_cpu_cfs_periods_total: 78% of CFS periods throttled on average over the last 15 min, at least 78% in every 5-min window \(threshold 25%, about 3000 periods per window\)$/),
      'CPU limit 500m (container_spec_cpu_quota / container_spec_cpu_period)',
      expect.stringMatching(/^CPU usage 4\d\dm over the last 5 min \(container_cpu_usage_seconds_total\), 9\d% of the limit$/),
    ]);
  });

  it('says throttling was not judged when Prometheus cannot be reached, and has no signals then', async () => {
    const down = { prometheus: createPrometheusReader({ url: `http://127.0.0.1:${await freePort()}`, timeoutMs: 1000 }), clock, logger: silentLogger };
    expect(await detectThrottling(down, { namespace: 'shop', pods: [runningPod('checkout-1', 'worker-1')] }, { thresholdRatio: 0.25, sustainedMinutes: 15 }))
      .toEqual({ judged: false, reason: 'prometheus_unreachable' });
    expect(await gatherSignals(down, oom, { windowMinutes: 10 })).toBeUndefined();
  });

  it('notes how much memory Prometheus needed', async () => {
    const rss = await prom.peakRssBytes();
    console.info(`[prometheus] backfill ${prom.timings.backfillMs} ms, start ${prom.timings.startMs} ms, peak RSS ${(rss / MEBIBYTE).toFixed(0)} MiB`);
    expect(rss).toBeGreaterThan(0);
  });
});
