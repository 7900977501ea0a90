// doctor's Prometheus checks against a real Prometheus: one scraping cAdvisor- and
// kube-state-metrics-shaped series passes; one scraping cAdvisor only warns that
// kube-state-metrics is missing; a Prometheus that is down fails (exit 12); without
// PROMETHEUS_URL the line says signals are off.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { writePolicy } from '../../support/agent-harness.ts';
import { startFakeOllama, type FakeOllama } from '../../support/fake-ollama.ts';
import { DEFAULT_USER, startFakeSlack, type FakeSlack } from '../../support/fake-slack/index.ts';
import { startTestExporter, type TestExporter } from '../../support/prometheus/exporter.ts';
import { startPrometheus, type TestPrometheus } from '../../support/prometheus/server.ts';
import { containerSeries, nodeConditionSeries } from '../../support/prometheus/synthetic.ts';
import { describeWithPrometheus } from '../../support/prometheus/tools.ts';
import { freePort } from '../../support/test-cluster/free-port.ts';
import { doctor, doctorEnv, unreachableKubeconfig } from './doctor-run.ts';

describeWithPrometheus('doctor: Prometheus', (tools) => {
  let slack: FakeSlack;
  let ollama: FakeOllama;
  let full: { exporter: TestExporter; prometheus: TestPrometheus };
  let cadvisorOnly: { exporter: TestExporter; prometheus: TestPrometheus };
  let env: Record<string, string | undefined>;

  async function scraping(withKubeStateMetrics: boolean): Promise<{ exporter: TestExporter; prometheus: TestPrometheus }> {
    const origin = Date.now() / 1000 - 60;
    const exporter = await startTestExporter([
      ...containerSeries({
        namespace: 'demo', pod: 'memory-hog', container: 'app', node: 'node-1', origin,
        cpu: { limitCores: 0.5, throttledRatio: () => 0.1 }, workingSet: () => 50 * 2 ** 20,
        ...(withKubeStateMetrics ? { lastTerminatedReason: 'OOMKilled' } : {}),
      }),
      ...(withKubeStateMetrics ? nodeConditionSeries('node-1', () => ({ Ready: true })) : []),
    ]);
    const prometheus = await startPrometheus(tools, { scrapeTarget: exporter.target });
    await prometheus.waitForScrapes(2);
    return { exporter, prometheus };
  }

  beforeAll(async () => {
    slack = await startFakeSlack();
    ollama = await startFakeOllama();
    env = doctorEnv({ slack, ollama, kubeconfig: await unreachableKubeconfig(), policyDir: await writePolicy([DEFAULT_USER.id]) });
    full = await scraping(true);
    cadvisorOnly = await scraping(false);
  }, 120_000);

  afterAll(async () => {
    for (const p of [full, cadvisorOnly]) {
      await p?.prometheus.stop();
      await p?.exporter.close();
    }
    await slack?.close();
    await ollama?.close();
  });

  it('passes when Prometheus answers and has every series the agent reads', async () => {
    const r = await doctor({ ...env, PROMETHEUS_URL: full.prometheus.url });
    expect(r.check('prometheus.reachable')).toMatchObject({ status: 'ok', detail: `answers queries at ${full.prometheus.url}/` });
    expect(r.check('prometheus.series')).toMatchObject({ status: 'ok', detail: 'all 5 series the agent reads are present (cAdvisor, kube-state-metrics)' });
  });

  it('warns, naming the exporter, when kube-state-metrics series are missing', async () => {
    const r = await doctor({ ...env, PROMETHEUS_URL: cadvisorOnly.prometheus.url });
    expect(r.check('prometheus.series')).toMatchObject({
      status: 'warn',
      detail: 'no series from kube-state-metrics (kube_pod_container_status_last_terminated_reason: termination reasons beside incidents; kube_node_status_condition: node conditions beside incidents)',
      fix: expect.stringContaining('install kube-state-metrics'),
    });
  });

  it('fails a Prometheus that is down, and skips the series', async () => {
    const r = await doctor({ ...env, PROMETHEUS_URL: `http://127.0.0.1:${await freePort()}` });
    expect(r.check('prometheus.reachable')).toMatchObject({ status: 'fail', detail: expect.stringMatching(/is unreachable: ECONNREFUSED$/), fix: expect.stringContaining('start Prometheus') });
    expect(r.check('prometheus.series').status).toBe('skip');
    expect(r.checks.filter((c) => c.status === 'fail').map((c) => c.area)).toEqual(['kubernetes', 'prometheus']);
  });

  it('says signals are off without PROMETHEUS_URL, and hides credentials in the URL', async () => {
    const off = await doctor(env);
    expect(off.checks.filter((c) => c.area === 'prometheus')).toEqual([expect.objectContaining({ id: 'prometheus.reachable', status: 'skip', detail: expect.stringContaining('PROMETHEUS_URL not set') })]);
    const withUser = await doctor({ ...env, PROMETHEUS_URL: full.prometheus.url.replace('http://', 'http://reader:s3cret-pw@') });
    expect(withUser.check('prometheus.reachable')).toMatchObject({ status: 'ok', detail: `answers queries at ${full.prometheus.url}/` });
    expect(JSON.stringify(withUser.checks)).not.toContain('s3cret-pw');
  });
});
