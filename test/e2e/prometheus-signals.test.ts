// Prometheus signals end to end: the bot as users run it (real API server, real Redis, a real
// Prometheus holding three hours of backfilled cAdvisor and kube-state-metrics history and
// scraping the test exporter live, fake Slack and Ollama). An OOM whose container was also
// CPU-throttled shows that in its message and in the prompt; a container throttled for the whole
// window is its own cpu incident, posted once; /readyz says how Prometheus is doing, and an
// unreachable Prometheus leaves the agent degraded, never down.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MEBIBYTE } from '../../src/core/quantity.ts';
import { blocksText, startHarness, type Harness } from '../support/agent-harness.ts';
import { describeWithCluster, useTestCluster } from '../support/cluster-context.ts';
import { eventually } from '../support/eventually.ts';
import { startTestExporter, type TestExporter } from '../support/prometheus/exporter.ts';
import { startPrometheus, type TestPrometheus } from '../support/prometheus/server.ts';
import { containerSeries, nodeConditionSeries } from '../support/prometheus/synthetic.ts';
import { findPrometheusTools, PROMETHEUS_HINT } from '../support/prometheus/tools.ts';
import { freePort } from '../support/test-cluster/free-port.ts';

const THROTTLED_OOM = 'CPU throttled 78% of periods in the 10 min before the OOM';
const tools = findPrometheusTools();

async function readyz(h: Harness): Promise<{ status: string; checks: Record<string, string> }> {
  const res = await fetch(`http://127.0.0.1:${h.agent.healthPort}/readyz`);
  expect(res.status).toBe(200);
  return (await res.json()) as { status: string; checks: Record<string, string> };
}

describeWithCluster('Prometheus signals end to end', () => {
  const cluster = useTestCluster();
  let ns: string;
  let node: string;

  beforeAll(async () => {
    if (!tools && process.env.CI) throw new Error(`prometheus or promtool not found: ${PROMETHEUS_HINT}`);
    ns = await cluster.createNamespace('signals');
    await cluster.applyDemo(ns);
    node = (await cluster.node()).name;
    // memory-hog was OOM-killed 5 s ago and is in back-off; slow-memory-hog runs.
    await cluster.setContainerScenario(ns, 'memory-hog', 'app', { kind: 'crash-loop-after-oom', restartCount: 4 });
    await cluster.setContainerScenario(ns, 'slow-memory-hog', 'app', { kind: 'running' });
    await cluster.setLogs(ns, 'memory-hog', 'app', { previous: 'stress: FAIL: [1] (415) <-- worker 7 got signal 9\n', current: '' });
  });

  describe.skipIf(!tools)('with a real Prometheus', () => {
    let exporter: TestExporter;
    let prom: TestPrometheus;
    let h: Harness;

    beforeAll(async () => {
      const now = Math.floor(Date.now() / 1000);
      const origin = now - 3 * 3600;
      const series = [
        ...containerSeries({
          namespace: ns, pod: 'memory-hog', container: 'app', node, origin, lastTerminatedReason: 'OOMKilled',
          cpu: { limitCores: 0.5, throttledRatio: () => 0.78 }, workingSet: (t) => Math.min(63.5, 40 + ((t - origin) / 3600) * 8) * MEBIBYTE,
        }),
        ...containerSeries({ namespace: ns, pod: 'slow-memory-hog', container: 'app', node, origin, cpu: { limitCores: 0.25, throttledRatio: () => 0.85 }, workingSet: () => 30 * MEBIBYTE }),
        ...nodeConditionSeries(node, () => ({ Ready: true })),
      ];
      exporter = await startTestExporter(series);
      prom = await startPrometheus(tools!, { scrapeTarget: exporter.target, history: { series, from: origin, to: now - 5, stepSeconds: 15 } });
      await prom.waitForScrapes(2);
      h = await startHarness(cluster, { mode: 'http', namespace: ns, env: { PROMETHEUS_URL: prom.url, CPU_THROTTLING_MINUTES: '15' } });
    });
    afterAll(async () => {
      await h?.stop();
      await prom?.stop();
      await exporter?.close();
    });

    it('shows the throttling before the OOM in the message and in the prompt', async () => {
      const post = await h.slack.waitForCall('chat.postMessage', (c) => blocksText(c).includes('memory-hog') && !blocksText(c).includes('slow-memory-hog'), 30_000);
      const text = blocksText(post);
      expect(text).toContain('Signals from Prometheus');
      expect(text).toContain(THROTTLED_OOM);
      expect(text).toMatch(/working set peaked at 6\d(\.\d)?Mi, 99% of the 64Mi limit, in the 10 min before the OOM/);
      expect(text).toContain('"action_id":"incident_approve"');

      const chat = h.ollama.chatRequests().find((c) => c.messages.some((m) => m.content.includes(`${ns}/memory-hog`)));
      const prompt = chat!.messages.map((m) => m.content).join('\n');
      expect(prompt).toContain('=== Signals from Prometheus (cAdvisor, kube-state-metrics), warnings first ===');
      expect(prompt).toMatch(new RegExp(`warning \\(container\\): ${THROTTLED_OOM} \\(\\d+ of \\d+ CFS periods\\)`));
      const [incident] = (await h.store.listOpen()).filter((r) => r.detection.pod === 'memory-hog');
      expect(incident!.signals?.signals.find((s) => s.id === 'cpu_throttling')).toMatchObject({ level: 'warning', value: expect.closeTo(0.78, 2) });
    });

    it('posts a container throttled for the whole window as one cpu incident, with a CPU limit to approve', async () => {
      const post = await h.slack.waitForCall('chat.postMessage', (c) => blocksText(c).includes('slow-memory-hog'), 30_000);
      const text = blocksText(post);
      expect(text).toContain('CPU throttling');
      expect(text).toContain('(cpu)');
      expect(text).toMatch(/85% of CFS periods throttled on average over the last 15 min/);
      expect(text).toContain('CPU limit 250m');
      // Its quota (250m) held it back 85% of the time: the CPU limit it needs is sized from what it used and waited.
      expect(text).toContain('CPU limit `800m`');
      expect(text).toContain('"action_id":"incident_approve"');
      expect(text).not.toContain('"action_id":"incident_acknowledge"');

      // A second scan finds the same throttling: no second message.
      const scans = async () => [...(await h.agent.metrics.scrape()).matchAll(/^kube_ai_sre_scans_total\{[^}]*outcome="ok"[^}]*\} (\d+)/gm)].reduce((n, m) => n + Number(m[1]), 0);
      const before = await scans();
      await h.queues.enqueueScan({ namespace: ns, trigger: 'slash' });
      await eventually('a second scan', async () => (await scans()) > before, 20_000);
      expect(h.slack.callsTo('chat.postMessage').filter((c) => blocksText(c).includes('slow-memory-hog'))).toHaveLength(1);
      const open = (await h.store.listOpen()).filter((r) => r.detection.kind === 'CpuThrottling');
      expect(open.map((r) => r.detection.pod)).toEqual(['slow-memory-hog']);
    });

    it('reports Prometheus ready, and notes its memory', async () => {
      expect((await readyz(h)).checks.prometheus).toBe('ok');
      console.info(`[prometheus] e2e: backfill ${prom.timings.backfillMs} ms, start ${prom.timings.startMs} ms, peak RSS ${((await prom.peakRssBytes()) / MEBIBYTE).toFixed(0)} MiB`);
    });
  });

  describe('with Prometheus unreachable', () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness(cluster, { mode: 'http', namespace: ns, env: { PROMETHEUS_URL: `http://127.0.0.1:${await freePort()}`, PROMETHEUS_TIMEOUT_MS: '1000' } });
    });
    afterAll(async () => h?.stop());

    it('is degraded, not down, and still posts incidents, without signals', async () => {
      const post = await h.slack.waitForCall('chat.postMessage', (c) => blocksText(c).includes('memory-hog') && !blocksText(c).includes('slow-memory-hog'), 30_000);
      expect(blocksText(post)).not.toContain('Signals from Prometheus');
      const ready = await readyz(h);
      expect(ready.status).toBe('degraded');
      expect(ready.checks.prometheus).toMatch(/^degraded: prometheus_unreachable: Prometheus at http:\/\/127\.0\.0\.1:\d+\/ is unreachable/);
    });
  });

  describe('without Prometheus', () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness(cluster, { mode: 'http', namespace: ns });
    });
    afterAll(async () => h?.stop());

    it('says in /readyz that the signals are off', async () => {
      const ready = await readyz(h);
      expect(ready.checks.prometheus).toBe('off: PROMETHEUS_URL is not set: no Prometheus signals, no CPU throttling incidents');
      expect(ready.status).not.toBe('degraded');
    });
  });
});
