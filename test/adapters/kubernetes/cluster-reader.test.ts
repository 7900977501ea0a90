// The Kubernetes adapter against the real test API server: snapshots of OOM-crashing pods,
// events, nodes, the previous log tail through the fake kubelet, owner resolution, and the
// error codes for RBAC refusals, missing objects and an unreachable server.
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeConfig, type V1ObjectMeta } from '@kubernetes/client-node';
import { createClusterReader } from '../../../src/adapters/kubernetes/cluster-reader.ts';
import { AppError } from '../../../src/core/errors.ts';
import type { ClusterReader } from '../../../src/ports.ts';
import { describeWithCluster, useTestCluster } from '../../support/cluster-context.ts';
import { freePort } from '../../support/test-cluster/free-port.ts';
import { listenOnLoopback } from '../../support/listen.ts';

const CRASHED_LOG = Array.from({ length: 40 }, (_, i) => `worker allocated ${(i + 1) * 4}Mi`).join('\n') + '\nKilled\n';

async function rejection(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

describeWithCluster('ClusterReader against the test API server', () => {
  const cluster = useTestCluster();
  let ns: string;
  let admin: ClusterReader;
  let agent: ClusterReader;
  let nobody: ClusterReader;
  let nodeName: string;

  const owner = (kind: string, meta: V1ObjectMeta, apiVersion: string) =>
    ({ apiVersion, kind, name: meta.name!, uid: meta.uid!, controller: true });
  const podTemplate = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] } };
  const pod = (name: string, ownerReferences: ReturnType<typeof owner>[] = []) => ({
    metadata: { name, namespace: ns, labels: { app: 'web' }, ownerReferences },
    spec: { containers: [{ name: 'app', image: 'nginx:1.27', resources: { requests: { memory: '32Mi' }, limits: { memory: '64Mi' } } }] },
  });

  beforeAll(async () => {
    ns = await cluster.createNamespace('reader');
    admin = createClusterReader(cluster.kc);
    await cluster.applyManifest('agent/rbac.yaml');
    agent = createClusterReader(await cluster.serviceAccountKubeConfig('kube-ai-sre', 'kube-ai-sre-agent'));
    // A ServiceAccount with no role at all, for the RBAC refusals.
    await cluster.core.createNamespacedServiceAccount({ namespace: ns, body: { metadata: { name: 'nobody' } } });
    nobody = createClusterReader(await cluster.serviceAccountKubeConfig(ns, 'nobody'));

    await cluster.applyDemo(ns);
    nodeName = (await cluster.node()).name;
    await cluster.setContainerScenario(ns, 'memory-hog', 'app', { kind: 'crash-loop-after-oom', restartCount: 4 });
    await cluster.setContainerScenario(ns, 'slow-memory-hog', 'app', { kind: 'running' });
    await cluster.setLogs(ns, 'memory-hog', 'app', { previous: CRASHED_LOG, current: '' });
    await cluster.setLogs(ns, 'slow-memory-hog', 'app', { current: 'cache grew to 2Mi\ncache grew to 4Mi\n' });
    await cluster.postEvent({
      namespace: ns, involved: { kind: 'Pod', name: 'memory-hog', fieldPath: 'spec.containers{app}' },
      reason: 'BackOff', message: 'Back-off restarting failed container app in pod memory-hog', count: 7, host: nodeName,
    });
  });

  it('lists pods as snapshots with the OOM facts and memory settings', async () => {
    const pods = await agent.listPods(ns);
    const hog = pods.find((p) => p.name === 'memory-hog');
    expect(pods.map((p) => p.name).sort()).toEqual(['memory-hog', 'slow-memory-hog']);
    expect(hog).toMatchObject({ namespace: ns, nodeName, phase: 'Running', qosClass: 'Burstable' });
    expect(hog?.containers).toEqual([expect.objectContaining({
      name: 'app', type: 'app', memoryRequest: '32Mi', memoryLimit: '64Mi', restartCount: 4, ready: false,
      state: expect.objectContaining({ kind: 'waiting', reason: 'CrashLoopBackOff' }),
      lastTermination: expect.objectContaining({ reason: 'OOMKilled', exitCode: 137 }),
    })]);
  });

  it('pages through a namespace larger than one page', async () => {
    const paged = createClusterReader(cluster.kc, { pageSize: 1 });
    expect((await paged.listPods(ns)).map((p) => p.name).sort()).toEqual(['memory-hog', 'slow-memory-hog']);
  });

  it('lists events as snapshots', async () => {
    const events = await agent.listEvents(ns);
    expect(events).toEqual([expect.objectContaining({
      namespace: ns, involvedKind: 'Pod', involvedName: 'memory-hog', involvedFieldPath: 'spec.containers{app}',
      type: 'Warning', reason: 'BackOff', count: 7, source: 'kubelet',
    })]);
  });

  it('reads the previous log tail bounded by lines and bytes', async () => {
    const req = { namespace: ns, pod: 'memory-hog', container: 'app', previous: true };
    expect(await agent.readLog({ ...req, tailLines: 2, limitBytes: 4096 })).toBe('worker allocated 160Mi\nKilled\n');
    expect(await agent.readLog({ ...req, tailLines: 2, limitBytes: 10 })).toBe('worker all');
  });

  it('reads a missing previous log as empty, and the current log', async () => {
    const req = { namespace: ns, pod: 'slow-memory-hog', container: 'app', tailLines: 10, limitBytes: 4096 };
    expect(await agent.readLog({ ...req, previous: true })).toBe('');
    expect(await agent.readLog({ ...req, previous: false })).toBe('cache grew to 2Mi\ncache grew to 4Mi\n');
  });

  it('refuses a log of a pod that does not exist', async () => {
    const err = await rejection(agent.readLog({ namespace: ns, pod: 'no-such-pod', container: 'app', previous: true, tailLines: 5, limitBytes: 100 }));
    expect(err.code).toBe('k8s_not_found');
  });

  it('reads a node, and a missing node as undefined', async () => {
    expect(await agent.readNode(nodeName)).toMatchObject({
      name: nodeName, allocatableMemory: '3800Mi', capacityMemory: '4Gi',
      conditions: expect.arrayContaining([expect.objectContaining({ type: 'MemoryPressure', status: 'False' })]),
    });
    expect(await agent.readNode('no-such-node')).toBeUndefined();
  });

  it('tells whether a namespace exists', async () => {
    expect(await agent.namespaceExists(ns)).toBe(true);
    expect(await agent.namespaceExists(`${ns}-missing`)).toBe(false);
    expect(await agent.listPods(`${ns}-missing`)).toEqual([]);
  });

  it('resolves pods to their workloads through ReplicaSets and Jobs', async () => {
    const { apps, batch, core } = cluster;
    const deploy = await apps.createNamespacedDeployment({ namespace: ns, body: {
      metadata: { name: 'web' }, spec: { selector: { matchLabels: { app: 'web' } }, template: podTemplate },
    } });
    const rs = await apps.createNamespacedReplicaSet({ namespace: ns, body: {
      metadata: { name: 'web-5d8f7c9b4', ownerReferences: [owner('Deployment', deploy.metadata!, 'apps/v1')] },
      spec: { selector: { matchLabels: { app: 'web' } }, template: podTemplate },
    } });
    const orphanRs = await apps.createNamespacedReplicaSet({ namespace: ns, body: {
      metadata: { name: 'standalone-rs' }, spec: { selector: { matchLabels: { app: 'web' } }, template: podTemplate },
    } });
    const jobSpec = { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'app', image: 'busybox:1.36' }] } } };
    const cron = await batch.createNamespacedCronJob({ namespace: ns, body: {
      metadata: { name: 'nightly' }, spec: { schedule: '0 3 * * *', jobTemplate: { spec: jobSpec } },
    } });
    const cronJob = await batch.createNamespacedJob({ namespace: ns, body: {
      metadata: { name: 'nightly-29000000', ownerReferences: [owner('CronJob', cron.metadata!, 'batch/v1')] }, spec: jobSpec,
    } });
    const plainJob = await batch.createNamespacedJob({ namespace: ns, body: { metadata: { name: 'migrate' }, spec: jobSpec } });
    const ref = (kind: string, meta: V1ObjectMeta) => ({ kind, name: meta.name!, uid: meta.uid! });
    const podInRs = await core.createNamespacedPod({ namespace: ns, body: pod('web-5d8f7c9b4-x2x9k', [owner('ReplicaSet', rs.metadata!, 'apps/v1')]) });
    expect((await agent.listPods(ns)).find((p) => p.name === podInRs.metadata!.name)?.ownerReferences[0]).toMatchObject({ kind: 'ReplicaSet', name: 'web-5d8f7c9b4' });

    const cases: [Parameters<ClusterReader['resolveWorkload']>[1], { kind: string; name: string }][] = [
      [ref('ReplicaSet', rs.metadata!), { kind: 'Deployment', name: 'web' }],
      [ref('ReplicaSet', orphanRs.metadata!), { kind: 'ReplicaSet', name: 'standalone-rs' }],
      [{ kind: 'ReplicaSet', name: 'deleted-rs' }, { kind: 'ReplicaSet', name: 'deleted-rs' }],
      [ref('Job', cronJob.metadata!), { kind: 'CronJob', name: 'nightly' }],
      [ref('Job', plainJob.metadata!), { kind: 'Job', name: 'migrate' }],
      [{ kind: 'StatefulSet', name: 'db' }, { kind: 'StatefulSet', name: 'db' }],
      [{ kind: 'DaemonSet', name: 'agent' }, { kind: 'DaemonSet', name: 'agent' }],
      [undefined, { kind: 'Pod', name: 'lonely-pod' }],
    ];
    for (const [ownerRef, expected] of cases) {
      expect(await agent.resolveWorkload(ns, ownerRef, 'lonely-pod'), JSON.stringify(ownerRef)).toEqual(expected);
    }
    // Not allowed to read ReplicaSets or Jobs: the pod's own owner is the best answer.
    expect(await nobody.resolveWorkload(ns, ref('ReplicaSet', rs.metadata!), 'p')).toEqual({ kind: 'ReplicaSet', name: 'web-5d8f7c9b4' });
    expect(await nobody.resolveWorkload(ns, ref('Job', cronJob.metadata!), 'p')).toEqual({ kind: 'Job', name: 'nightly-29000000' });
  });

  it('maps RBAC refusals to k8s_forbidden with one clear line', async () => {
    const list = await rejection(nobody.listPods(ns));
    expect(list.code).toBe('k8s_forbidden');
    expect(list.message).toBe(`forbidden: cannot list pods in namespace "${ns}" (RBAC)`);
    const refusals = await Promise.all([
      nobody.listEvents(ns),
      nobody.readLog({ namespace: ns, pod: 'memory-hog', container: 'app', previous: true, tailLines: 5, limitBytes: 100 }),
      nobody.readNode(nodeName),
      nobody.namespaceExists(ns),
    ].map(rejection));
    expect(refusals.map((e) => e.code)).toEqual(['k8s_forbidden', 'k8s_forbidden', 'k8s_forbidden', 'k8s_forbidden']);
    for (const e of refusals) expect(e.message).not.toContain('\n');
  });

  it('works with the admin config the same way', async () => {
    expect((await admin.listPods(ns)).length).toBeGreaterThanOrEqual(2);
  });

});

describe('ClusterReader without a reachable API server', () => {
  let silent: Server;
  let silentPort: number;
  const sockets = new Set<Socket>();
  beforeAll(async () => {
    // Accepts connections and never answers: a hung API server.
    silent = createServer((socket) => sockets.add(socket));
    silentPort = await listenOnLoopback(silent);
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  const readerAt = (server: string, timeoutMs?: number): ClusterReader => {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'c', server, skipTLSVerify: true }],
      users: [{ name: 'u', token: 'unused' }],
      contexts: [{ name: 'c', cluster: 'c', user: 'u' }],
      currentContext: 'c',
    });
    return createClusterReader(kc, timeoutMs ? { timeoutMs } : {});
  };

  it('maps a refused connection to k8s_unreachable', async () => {
    const err = await rejection(readerAt(`https://127.0.0.1:${await freePort()}`).listPods('demo'));
    expect(err.code).toBe('k8s_unreachable');
    expect(err.message).toBe('unreachable: cannot list pods in namespace "demo": Kubernetes API connection failed (ECONNREFUSED)');
  });

  it('maps a server that never answers to k8s_unreachable once the request times out', async () => {
    const err = await rejection(readerAt(`https://127.0.0.1:${silentPort}`, 300).namespaceExists('demo'));
    expect(err.code).toBe('k8s_unreachable');
    expect(err.message).toBe('unreachable: cannot get namespace "demo": Kubernetes API timed out');
  });
});
