// The Kubernetes API refusing, missing, failing or dragging under the running bot. `/sre scan`
// answers one clear line through its response_url, the failure is logged and counted, a scheduled
// scan is retried until it works, and the agent keeps serving throughout.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/agent-harness.ts';
import { describeWithCluster, useTestCluster } from '../support/cluster-context.ts';
import { eventually } from '../support/eventually.ts';
import type { ResponsePost } from '../support/fake-slack/index.ts';
import { recordingLogger } from '../support/recording-logger.ts';
import { expectServing, incidentPosts, metric, oomNamespace, probe, problems } from './fault-support.ts';
import { startFaultyApiProxy, type FaultyApiProxy } from './faulty-api-proxy.ts';

describeWithCluster('Kubernetes API faults under the running bot', () => {
  const cluster = useTestCluster();

  /** Types `/sre scan <ns>` and returns the ack and the one delayed answer. */
  async function slashScan(h: Harness, ns: string): Promise<{ ack: string; answers: () => ResponsePost[]; first: ResponsePost }> {
    const payload = h.slack.payloads.slashCommand({ text: `scan ${ns}` });
    const url = String(payload.body.response_url);
    const res = await h.slack.deliver(h.eventsUrl, payload);
    expect(res.status).toBe(200);
    const first = await h.slack.waitForResponse((r) => r.url === url, 30_000);
    return { ack: res.text, first, answers: () => h.slack.responses.filter((r) => r.url === url) };
  }

  describe('a ServiceAccount without rights (403)', () => {
    let h: Harness;
    let ns: string;
    const logger = recordingLogger();

    beforeAll(async () => {
      await cluster.node();
      ns = await oomNamespace(cluster, 'kube-403');
      await cluster.core.createNamespacedServiceAccount({ namespace: ns, body: { metadata: { name: 'no-rights' } } });
      const kubeConfig = await cluster.serviceAccountKubeConfig(ns, 'no-rights');
      h = await startHarness(cluster, { mode: 'http', namespace: ns, logger, kubeConfig });
    });
    afterAll(async () => h?.stop());

    it('answers "Not allowed to read namespace" once, logs and counts it, and keeps serving', async () => {
      const { ack, first, answers } = await slashScan(h, ns);
      expect(ack).toMatch(/Scanning/);
      expect(String(first.body.text)).toBe(`Not allowed to read namespace ${ns}: the agent's RBAC role does not cover it.`);
      await eventually('the failed scan counted', async () => (await metric(h, 'scans_total', { namespace: ns, trigger: 'slash', outcome: 'error' })) === 1);
      expect(problems(logger.entries, /k8s_forbidden|forbidden/).length).toBeGreaterThan(0);
      expect(answers()).toHaveLength(1);
      expect(await h.store.listOpen()).toEqual([]);
      expect(h.slack.callsTo('chat.postMessage')).toEqual([]);
      // The request is audited; nothing else was written.
      expect((await h.auditEntries()).map((e) => e.action)).toEqual(['scan_requested']);
      expect((await h.audit.verify()).ok).toBe(true);
      // Unready (it cannot read the cluster) but alive.
      const ready = await probe(h, '/readyz');
      expect(ready.status).toBe(503);
      expect(ready.body).toMatch(/kubernetes.*failed.*forbidden/);
      await expectServing(h);
    });
  });

  describe('through a proxy that fails on demand', () => {
    let h: Harness;
    let proxy: FaultyApiProxy;
    const logger = recordingLogger();

    beforeAll(async () => {
      await cluster.node();
      const info = cluster.info;
      proxy = await startFaultyApiProxy({
        upstream: info.server, caFile: info.caFile, clientCertFile: info.adminCertFile, clientKeyFile: info.adminKeyFile,
        servingCertFile: info.servingCertFile, servingKeyFile: info.servingKeyFile,
      });
      h = await startHarness(cluster, { mode: 'http', namespace: await cluster.createNamespace('kube-home'), logger, kubeConfig: proxy.kubeConfig });
    });
    afterAll(async () => {
      await h?.stop();
      await proxy?.close();
    });

    const podList = (ns: string) => new RegExp(`^/api/v1/namespaces/${ns}/pods\\?`);

    it('answers "does not exist" for an unknown namespace (404), and a later scan still works', async () => {
      const missing = `no-such-ns-${Date.now().toString(36)}`;
      const { first, answers } = await slashScan(h, missing);
      expect(String(first.body.text)).toBe(`Namespace ${missing} does not exist.`);
      await eventually('the failed scan counted', async () => (await metric(h, 'scans_total', { namespace: missing, trigger: 'slash', outcome: 'error' })) === 1);
      expect(problems(logger.entries, new RegExp(missing)).length).toBeGreaterThan(0);
      expect(answers()).toHaveLength(1);
      await expectServing(h);

      const ns = await oomNamespace(cluster, 'kube-after-404');
      const later = await slashScan(h, ns);
      expect(String(later.first.body.text)).toMatch(/1 memory incident/);
      await eventually('the incident posted', () => incidentPosts(h, ns).length === 1);
    });

    const SLASH_FAULTS = [
      { name: 'HTTP 500', fault: { kind: 'status', status: 500 } as const, answer: /^Scan of (\S+) failed: kubernetes API error 500: cannot list pods in namespace "\1": etcdserver: request timed out$/ },
      { name: 'a cut connection', fault: { kind: 'cut' } as const, answer: /^The Kubernetes API server is unreachable; scan of \S+ not run\.$/ },
    ];
    for (const c of SLASH_FAULTS) {
      it(`answers one clear line when listing pods meets ${c.name}, and the next scan works`, async () => {
        const ns = await oomNamespace(cluster, 'kube-slash');
        proxy.failNext(podList(ns), c.fault);
        const { first, answers } = await slashScan(h, ns);
        expect(String(first.body.text)).toMatch(c.answer);
        expect(String(first.body.text)).toContain(ns);
        await eventually('the failed scan counted', async () => (await metric(h, 'scans_total', { namespace: ns, trigger: 'slash', outcome: 'error' })) === 1);
        expect(problems(logger.entries, new RegExp(`${ns}`)).length).toBeGreaterThan(0);
        expect(answers()).toHaveLength(1);
        await expectServing(h);

        const again = await slashScan(h, ns);
        expect(String(again.first.body.text)).toMatch(/1 memory incident/);
        await eventually('the incident posted', () => incidentPosts(h, ns).length === 1);
      });
    }

    it('retries a scheduled scan that met HTTP 500 until it works, then posts the incident once', async () => {
      const ns = await oomNamespace(cluster, 'kube-retry');
      proxy.failNext(podList(ns), { kind: 'status', status: 500 }, 2);
      await h.queues.enqueueScan({ namespace: ns, trigger: 'schedule' });
      await eventually('the incident posted after retries', () => incidentPosts(h, ns).length === 1, 40_000);
      expect(proxy.log.filter((r) => podList(ns).test(r.path)).map((r) => r.fault ?? 'ok')).toEqual(['status', 'status', 'ok']);
      expect(await metric(h, 'scans_total', { namespace: ns, outcome: 'error' })).toBe(2);
      expect(await metric(h, 'scans_total', { namespace: ns, outcome: 'ok' })).toBe(1);
      expect(problems(logger.entries, /kubernetes API error 500/).length).toBeGreaterThanOrEqual(2);
      const [incident] = (await h.store.listOpen()).filter((r) => r.detection.namespace === ns);
      await eventually('the post audited', async () => (await h.auditEntries()).some((e) => e.incidentId === incident!.id && e.action === 'incident_posted'));
      expect((await h.audit.verify()).ok).toBe(true);
      await expectServing(h);
    }, 60_000);

    it('keeps answering Slack and probes while the API server is slow, and finishes the scan', async () => {
      const ns = await oomNamespace(cluster, 'kube-slow');
      proxy.failNext(podList(ns), { kind: 'delay', ms: 3_000 });
      const payload = h.slack.payloads.slashCommand({ text: `scan ${ns}` });
      const ack = await h.slack.deliver(h.eventsUrl, payload);
      expect(ack.text).toMatch(/Scanning/);
      await eventually('the slow list under way', () => proxy.log.some((r) => podList(ns).test(r.path) && r.fault === 'delay'));
      // Meanwhile: other commands are acked and the probes answer.
      const help = await h.slack.deliver(h.eventsUrl, h.slack.payloads.slashCommand({ text: 'help' }));
      expect(help.status).toBe(200);
      expect(help.text).toMatch(/scan/);
      await expectServing(h);
      const answer = await h.slack.waitForResponse((r) => r.url === payload.body.response_url, 30_000);
      expect(String(answer.body.text)).toMatch(/1 memory incident/);
      await eventually('the incident posted', () => incidentPosts(h, ns).length === 1);
    });
  });
});
