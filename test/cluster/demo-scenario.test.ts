// The demo scenario end to end through the real API server: the demo manifests applied to a fresh
// namespace, memory-hog OOMKilled and then in CrashLoopBackOff, slow-memory-hog running, events
// posted, and the crashed instance's log tail read through pods/log from the fake kubelet.
import { expect, it } from 'vitest';
import { describeWithCluster, useTestCluster } from '../support/cluster-context.ts';

const PREVIOUS_LOG = [
  'stress: info: [1] dispatching hogs: 0 cpu, 0 io, 1 vm, 0 hdd',
  ...Array.from({ length: 50 }, (_, i) => `allocated chunk ${i + 1} (${(i + 1) * 3}Mi)`),
  'stress: FAIL: [1] (415) <-- worker 7 got signal 9',
  'stress: WARN: [1] (417) now reaping child worker processes',
  '',
].join('\n');

describeWithCluster('demo scenario through the test API server', () => {
  const cluster = useTestCluster();

  it('shows memory-hog crash-looping after OOM, slow-memory-hog running, and the crashed log tail', async () => {
    const { core } = cluster;
    const ns = await cluster.createNamespace('demo');
    const applied = await cluster.applyDemo(ns);
    expect(applied.map((o) => `${o.kind}/${o.metadata?.name}`).sort()).toEqual(['Pod/memory-hog', 'Pod/slow-memory-hog']);
    const node = await cluster.node();

    // First the kill, then the restart loop the kubelet settles into.
    const killed = await cluster.setContainerScenario(ns, 'memory-hog', 'app', { kind: 'oom-killed', restartCount: 1 });
    expect(killed.status?.containerStatuses?.[0]?.state?.terminated?.reason).toBe('OOMKilled');
    await cluster.setContainerScenario(ns, 'memory-hog', 'app', { kind: 'crash-loop-after-oom', restartCount: 6 });
    await cluster.setContainerScenario(ns, 'slow-memory-hog', 'app', { kind: 'running' });
    await cluster.setLogs(ns, 'memory-hog', 'app', { previous: PREVIOUS_LOG, current: '' });
    await cluster.postEvent({
      namespace: ns, involved: { kind: 'Pod', name: 'memory-hog', fieldPath: 'spec.containers{app}' },
      reason: 'BackOff', message: 'Back-off restarting failed container app in pod memory-hog', count: 12, host: node.name,
    });
    await cluster.postEvent({
      namespace: 'default', involved: { kind: 'Node', name: node.name },
      reason: 'OOMKilling', component: 'kernel-monitor', host: node.name,
      message: 'Memory cgroup out of memory: Killed process 4242 (stress) total-vm:157972kB, anon-rss:64768kB',
    });

    const pods = await core.listNamespacedPod({ namespace: ns });
    const byName = new Map(pods.items.map((p) => [p.metadata?.name, p]));
    const hog = byName.get('memory-hog')!.status!.containerStatuses![0]!;
    expect(byName.get('memory-hog')!.spec?.nodeName).toBe(node.name);
    expect(hog.restartCount).toBe(6);
    expect(hog.state?.waiting?.reason).toBe('CrashLoopBackOff');
    expect(hog.lastState?.terminated).toMatchObject({ reason: 'OOMKilled', exitCode: 137 });
    const slow = byName.get('slow-memory-hog')!;
    expect(slow.status?.phase).toBe('Running');
    expect(slow.status?.containerStatuses?.[0]?.state?.running).toBeDefined();
    expect(slow.spec?.containers[0]?.resources?.limits?.memory).toBe('128Mi');

    const events = await core.listNamespacedEvent({ namespace: ns });
    expect(events.items.map((e) => [e.reason, e.involvedObject.name, e.count])).toEqual([['BackOff', 'memory-hog', 12]]);
    const nodeEvents = await core.listNamespacedEvent({ namespace: 'default', fieldSelector: `involvedObject.name=${node.name}` });
    expect(nodeEvents.items.map((e) => e.reason)).toEqual(['OOMKilling']);

    const readNode = await core.readNode({ name: node.name });
    expect(readNode.status?.daemonEndpoints?.kubeletEndpoint?.Port).toBe(node.kubelet.port);
    expect(readNode.status?.allocatable?.memory).toBe('3800Mi');

    const tail = await core.readNamespacedPodLog({ name: 'memory-hog', namespace: ns, container: 'app', previous: true, tailLines: 2 });
    expect(tail).toBe('stress: FAIL: [1] (415) <-- worker 7 got signal 9\nstress: WARN: [1] (417) now reaping child worker processes\n');
    const limited = await core.readNamespacedPodLog({ name: 'memory-hog', namespace: ns, container: 'app', previous: true, tailLines: 2, limitBytes: 12 });
    expect(limited).toBe('stress: FAIL');
    // The API server passed the options through to the kubelet.
    expect(node.kubelet.requests.at(-1)).toMatchObject({
      namespace: ns, pod: 'memory-hog', container: 'app', query: { previous: 'true', tailLines: '2', limitBytes: '12' },
    });
  });

  it('reports an evicted pod and a pod running again after an OOM', async () => {
    const ns = await cluster.createNamespace('demo');
    await cluster.applyDemo(ns);
    await cluster.setContainerScenario(ns, 'memory-hog', 'app', { kind: 'recovered-after-oom', restartCount: 2 });
    const evictedPod = await cluster.markEvictedForMemory(ns, 'slow-memory-hog', { container: 'app', usage: '131Mi' });
    await cluster.postEvent({
      namespace: ns, involved: { kind: 'Pod', name: 'slow-memory-hog', uid: evictedPod.metadata?.uid },
      reason: 'Evicted', message: evictedPod.status?.message ?? '', host: (await cluster.node()).name,
    });

    const hog = await cluster.core.readNamespacedPod({ name: 'memory-hog', namespace: ns });
    const status = hog.status!.containerStatuses![0]!;
    expect(status.state?.running).toBeDefined();
    expect(status.ready).toBe(true);
    expect(status.lastState?.terminated?.reason).toBe('OOMKilled');

    const evicted = await cluster.core.readNamespacedPod({ name: 'slow-memory-hog', namespace: ns });
    expect(evicted.status?.phase).toBe('Failed');
    expect(evicted.status?.reason).toBe('Evicted');
    expect(evicted.status?.message).toContain('The node was low on resource: memory.');
    expect(evicted.status?.message).toContain('Container app was using 131Mi, request is 64Mi');
    expect(evicted.status?.conditions?.find((c) => c.type === 'DisruptionTarget')?.reason).toBe('TerminationByKubelet');
    const events = await cluster.core.listNamespacedEvent({ namespace: ns, fieldSelector: 'reason=Evicted' });
    expect(events.items.map((e) => [e.involvedObject.name, e.involvedObject.uid, e.type, e.source?.component])).toEqual([
      ['slow-memory-hog', evicted.metadata?.uid, 'Warning', 'kubelet'],
    ]);
    expect(events.items[0]?.message).toBe(evicted.status?.message);
  });
});
