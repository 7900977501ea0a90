// Repeated lists of one namespace against the real test API server: an unchanged pod keeps the
// snapshot of the last list, a changed pod (new resourceVersion) is read afresh, a deleted pod is
// gone, and the results equal those of a reader that remembers nothing.
import { beforeAll, expect, it } from 'vitest';
import { createClusterReader } from '../../../src/adapters/kubernetes/cluster-reader.ts';
import { describeWithCluster, useTestCluster } from '../../support/cluster-context.ts';

describeWithCluster('ClusterReader.listPods, list after list', () => {
  const cluster = useTestCluster();
  let ns: string;

  beforeAll(async () => {
    ns = await cluster.createNamespace('relist');
    await cluster.applyDemo(ns);
    await cluster.setContainerScenario(ns, 'memory-hog', 'app', { kind: 'running' });
    await cluster.setContainerScenario(ns, 'slow-memory-hog', 'app', { kind: 'running' });
  });

  it('reuses unchanged snapshots and reads changed pods afresh, as a fresh reader would', async () => {
    const reader = createClusterReader(cluster.kc, { pageSize: 1 });
    const fresh = () => createClusterReader(cluster.kc, { maxRememberedPods: 0 }).listPods(ns);
    const byName = (pods: Awaited<ReturnType<typeof fresh>>) => new Map(pods.map((p) => [p.name, p]));

    const first = byName(await reader.listPods(ns));
    const second = byName(await reader.listPods(ns));
    expect(second.get('slow-memory-hog')).toBe(first.get('slow-memory-hog'));
    expect([...second.values()]).toEqual(await fresh());

    await cluster.setContainerScenario(ns, 'memory-hog', 'app', { kind: 'crash-loop-after-oom', restartCount: 3 });
    const third = byName(await reader.listPods(ns));
    expect(third.get('memory-hog')).not.toBe(second.get('memory-hog'));
    expect(third.get('memory-hog')?.containers[0]).toMatchObject({ restartCount: 3, lastTermination: expect.objectContaining({ reason: 'OOMKilled' }) });
    expect(third.get('slow-memory-hog')).toBe(first.get('slow-memory-hog'));
    expect([...third.values()]).toEqual(await fresh());

    await cluster.core.deleteNamespacedPod({ namespace: ns, name: 'slow-memory-hog', gracePeriodSeconds: 0 });
    expect((await reader.listPods(ns)).map((p) => p.name)).toEqual(['memory-hog']);
  });
});

describeWithCluster('ClusterReader.listNodes', () => {
  const cluster = useTestCluster();

  it('answers a burst of callers with one list of the nodes, and lists afresh once it is stale', async () => {
    const node = await cluster.node();
    const reader = createClusterReader(cluster.kc);
    const [a, b] = await Promise.all([reader.listNodes!(), reader.listNodes!()]);
    expect(a).toBe(b);
    expect(a.map((n) => n.name)).toContain(node.name);
    expect(await reader.listNodes!()).toBe(a);

    const always = createClusterReader(cluster.kc, { nodeListTtlMs: 0 });
    const first = await always.listNodes!();
    expect(await always.listNodes!()).not.toBe(first);
    expect((await always.listNodes!()).map((n) => n.name)).toEqual(first.map((n) => n.name));
  });
});
