// Every pod failure explained, end to end on the real API server: one namespace holding an OOM
// crash loop, an exit-1 crash loop, a liveness-probe kill, an image pull failure, a missing
// ConfigMap, an unschedulable pod, a JVM heap OOM, and three pods evicted from a node under
// MemoryPressure. One `/sre scan` posts each incident exactly once with its family; the node's
// evictions are one message; only memory and cpu incidents carry Approve/Reject.
import type { V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createMixedFailures } from '../examples/mixed-dump.ts';
import { blocksText, startHarness, type Harness } from '../support/agent-harness.ts';
import { describeWithCluster, useTestCluster } from '../support/cluster-context.ts';
import { eventually } from '../support/eventually.ts';
import { setNodeMemoryPressure } from '../support/test-cluster/nodes.ts';
import { bindPod } from '../support/test-cluster/pod-status.ts';

const JVM_LOG = [
  '2026-11-28 09:12:40.118  INFO 1 --- [main] c.e.reports.ReportsApplication : Started ReportsApplication in 6.9 seconds',
  'Exception in thread "report-builder-1" java.lang.OutOfMemoryError: Java heap space',
  '\tat java.base/java.util.Arrays.copyOf(Arrays.java:3537)',
].join('\n');

describeWithCluster('every pod failure, one message each', () => {
  const cluster = useTestCluster();
  let h: Harness;
  let ns: string;

  async function pod(name: string, owner: string, container: V1Pod['spec'] extends infer S ? S extends { containers: Array<infer C> } ? C : never : never): Promise<void> {
    await cluster.core.createNamespacedPod({
      namespace: ns,
      body: {
        metadata: { name, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: owner, uid: `00000000-0000-4000-8000-${owner.length.toString().padStart(12, '0')}`, controller: true }] },
        spec: { containers: [container] },
      },
    });
    await bindPod(cluster.core, ns, name, (await cluster.node()).name);
  }

  beforeAll(async () => {
    ({ ns } = await createMixedFailures(cluster));
    const node = await cluster.node();
    // A JVM whose heap, not the container, ran out.
    await pod('reports-7b9c6d5f4-r2d2x', 'reports-7b9c6d5f4', {
      name: 'reports', image: 'registry.example.com/shop/reports:3.2.0', args: ['-Xmx256m', '-jar', '/app/reports.jar'],
      resources: { requests: { memory: '512Mi' }, limits: { memory: '1Gi' } },
    });
    await cluster.setContainerScenario(ns, 'reports-7b9c6d5f4-r2d2x', 'reports', { kind: 'crash-loop', exitCode: 1, restartCount: 4 });
    await cluster.setLogs(ns, 'reports-7b9c6d5f4-r2d2x', 'reports', { previous: JVM_LOG, current: '' });
    // Three pods of three workloads evicted from the node, which reports MemoryPressure.
    for (const app of ['cache', 'feed', 'ledger']) {
      const name = `${app}-5f6d7c8b9-e${app.length}v`;
      await pod(name, `${app}-5f6d7c8b9`, { name: app, image: `registry.example.com/shop/${app}:1.0.0`, resources: { requests: { memory: '64Mi' }, limits: { memory: '1Gi' } } });
      await cluster.markEvictedForMemory(ns, name, { container: app, usage: '700Mi' });
    }
    await setNodeMemoryPressure(cluster.core, { name: node.name, kubeletPort: node.kubelet.port, memoryPressure: true });
    h = await startHarness(cluster, { mode: 'http', namespace: ns });
    // The scheduler scans once at start: let that scan and the analyses it queued finish, so the
    // command's scan below finds every incident already tracked instead of racing it.
    await eventually('the start-up scan', async () => /^kube_ai_sre_scans_total\{[^}]*\} [1-9]/m.test(await h.agent.metrics.scrape()), 30_000);
    await eventually('its incidents posted', async () => (await h.store.listOpen()).filter((r) => r.slack).length >= 8, 45_000);
  });
  afterAll(async () => h?.stop());

  it('posts each incident once with its family, the node once for its three evictions', { timeout: 120_000 }, async () => {
    const res = await h.slack.deliver(h.eventsUrl, h.slack.payloads.slashCommand({ text: `scan ${ns}` }));
    expect(res.status).toBe(200);
    const expected: Array<[string, string, string]> = [
      // [pod or node the message names, family, the header label]
      ['checkout-6d9f7c5b8-k2m4q', 'memory', 'OOM crash loop'],
      ['api-5c7b9d8f4-w8x2p', 'crash', 'Crash loop'],
      ['web-58f6d4c9b7-q7rtn', 'crash', 'Killed by its probe'],
      ['frontend-7f9c8d6b5-h3j9z', 'image', 'Image pull failure'],
      ['worker-6b8d7f9c4-t5v2n', 'config', 'Container config error'],
      ['search-0', 'scheduling', 'Unschedulable pod'],
      ['reports-7b9c6d5f4-r2d2x', 'memory', 'Runtime heap out of memory'],
      [(await cluster.node()).name, 'node', 'Node under pressure'],
    ];
    await eventually('every incident posted', () => h.slack.callsTo('chat.postMessage').filter((c) => blocksText(c).includes('incident_header')).length >= expected.length, 60_000);
    // The scan's analysis jobs are done when every open incident has its message.
    await eventually('every incident stored with its message', async () => (await h.store.listOpen()).filter((r) => r.slack).length >= expected.length, 60_000);
    const posts = h.slack.callsTo('chat.postMessage').filter((c) => blocksText(c).includes('incident_header'));
    const headers = posts.map((c) => /"text":"(🔴[^"]*)"/.exec(blocksText(c))?.[1] ?? '?');
    expect(posts, headers.join('\n')).toHaveLength(expected.length);
    for (const [subject, family, label] of expected) {
      const mine = posts.filter((c) => blocksText(c).includes(subject) && blocksText(c).includes(`*What happened* (${family})`));
      expect(mine, `${label} for ${subject} among:\n${headers.join('\n')}`).toHaveLength(1);
      const text = blocksText(mine[0]!);
      expect(text).toContain(label);
      const decides = text.includes('"action_id":"incident_approve"');
      expect(decides, `${label}: Approve only on memory and cpu incidents`).toBe(family === 'memory' || family === 'cpu');
    }
    const node = posts.find((c) => blocksText(c).includes('Node under pressure'))!;
    expect(blocksText(node)).toContain('3 pods evicted from node');
    for (const app of ['cache', 'feed', 'ledger']) expect(blocksText(node)).toContain(`evicted ${app}-5f6d7c8b9`);
    // The unschedulable pod's requests beside what the largest node can allocate (one node list).
    const pending = posts.find((c) => blocksText(c).includes('Unschedulable pod'))!;
    expect(blocksText(pending)).toMatch(/largest node allocatable \(of \d+\): memory [^,]+, cpu /);
    expect(blocksText(pending)).toContain('pod requests in total: memory 6Gi, cpu 500m');
    const jvm = posts.find((c) => blocksText(c).includes('Runtime heap out of memory'))!;
    expect(blocksText(jvm)).toContain('java.lang.OutOfMemoryError: Java heap space');
    expect(blocksText(jvm)).toContain('-Xmx768m');
    const summary = await h.slack.waitForResponse((r) => JSON.stringify(r.body).includes('Scan of'));
    expect(JSON.stringify(summary.body)).toMatch(/8 incidents: 2 memory, 2 crash, 1 image, 1 config, 1 scheduling, 1 node/);

    // A second scan changes nothing: no new post.
    await h.slack.deliver(h.eventsUrl, h.slack.payloads.slashCommand({ text: `scan ${ns}` }));
    await h.slack.waitForResponse((r) => JSON.stringify(r.body).includes('already reported'));
    expect(h.slack.callsTo('chat.postMessage').filter((c) => blocksText(c).includes('incident_header'))).toHaveLength(expected.length);
  });
});
