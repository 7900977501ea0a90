// The pod watch against a real kube-apiserver. This file starts its own cluster (not the shared
// one) because it restarts the API server, which would cut other files' requests mid-test.
// Network trouble and 410 Gone are produced by a TLS proxy in front of that API server.
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { startPodWatch, type PodWatch, type PodWatchOptions } from '../../../src/adapters/kubernetes/pod-watch.ts';
import { detectIncidents } from '../../../src/core/detection/registry.ts';
import { isAppError } from '../../../src/core/errors.ts';
import type { PodSnapshot } from '../../../src/core/model.ts';
import { createLogger } from '../../../src/logging.ts';
import { describeWithCluster } from '../../support/cluster-context.ts';
import { findClusterBinaries } from '../../support/test-cluster/binaries.ts';
import { startTestCluster, type TestCluster } from '../../support/test-cluster/cluster.ts';
import { createNamespace } from '../../support/test-cluster/namespaces.ts';
import { setContainerScenario } from '../../support/test-cluster/pod-status.ts';
import { mergePatch } from '../../support/test-cluster/status-patch.ts';
import { waitUntil } from '../../support/test-cluster/wait-until.ts';
import { recordDeliveries, startApiProxy, type ApiProxy, type DeliveryRecorder } from '../../support/watch-helpers.ts';

const FAST_BACKOFF = { min: 50, max: 1_000 };
const CLUSTER_TEST_MS = 120_000;

const kinds = (pod: PodSnapshot): string[] => detectIncidents([pod]).map((d) => d.kind);
const hasKind = (kind: string) => (pod: PodSnapshot): boolean => kinds(pod).includes(kind);

/** Log lines as parsed JSON, to check what an operator would read. */
function captureLogs(): { lines: Record<string, unknown>[]; logger: PodWatchOptions['logger'] } {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger('info', { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) });
  return { lines, logger };
}

describeWithCluster('startPodWatch', () => {
  let cluster: TestCluster;
  let kc: KubeConfig;
  let core: CoreV1Api;
  const cleanups: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    cluster = await startTestCluster(findClusterBinaries()!);
    kc = new KubeConfig();
    kc.loadFromFile(cluster.kubeconfigPath);
    core = kc.makeApiClient(CoreV1Api);
  });
  afterEach(async () => {
    while (cleanups.length > 0) await cleanups.pop()!();
  });
  afterAll(() => cluster?.stop());

  async function createPod(namespace: string, name: string): Promise<void> {
    await core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name, labels: { app: name } },
        spec: {
          restartPolicy: 'Always',
          containers: [{ name: 'app', image: 'registry.example/app:1.4.2', resources: { requests: { memory: '64Mi' }, limits: { memory: '64Mi' } } }],
        },
      },
    });
  }

  async function watch(opts: Partial<PodWatchOptions> & Pick<PodWatchOptions, 'namespaces' | 'onPod'>): Promise<{ watch: PodWatch; restarts: string[] }> {
    const restarts: string[] = [];
    const w = await startPodWatch({
      kubeConfig: kc,
      logger: createLogger('silent'),
      relistBackoffMs: FAST_BACKOFF,
      onRestart: (reason) => restarts.push(reason),
      ...opts,
    });
    cleanups.push(() => w.stop());
    return { watch: w, restarts };
  }

  async function proxy(): Promise<ApiProxy> {
    const p = await startApiProxy({
      upstream: cluster.server,
      caFile: cluster.certs.caCert,
      clientCertFile: cluster.certs.adminCert,
      clientKeyFile: cluster.certs.adminKey,
      servingCertFile: cluster.certs.kubeletCert,
      servingKeyFile: cluster.certs.kubeletKey,
    });
    cleanups.push(() => p.close());
    return p;
  }

  /**
   * Changes the sentinel pod and waits for that change: deliveries are in order, so anything the
   * watch would still deliver about earlier changes has been delivered by then.
   */
  let barriers = 0;
  async function barrier(rec: DeliveryRecorder, namespace: string): Promise<void> {
    barriers += 1;
    const value = String(barriers);
    await core.patchNamespacedPod({ namespace, name: 'sentinel', body: { metadata: { labels: { barrier: value } } } }, mergePatch);
    await rec.waitFor(`sentinel barrier ${value}`, (d) => d.pod.name === 'sentinel' && d.pod.labels.barrier === value);
  }

  const count = (rec: DeliveryRecorder, name: string, match: (d: { type: string; pod: PodSnapshot }) => boolean): number =>
    rec.deliveries.filter((d) => d.pod.name === name && match(d)).length;

  it('lists existing pods once, then delivers an OOMKilled status patch once, ready for detection', async () => {
    const ns = await createNamespace(core, 'watch');
    await createPod(ns, 'api');
    await createPod(ns, 'sentinel');
    const rec = recordDeliveries();
    const { watch: w, restarts } = await watch({ namespaces: [ns], onPod: rec.onPod });
    await w.ready;
    expect(rec.deliveries.map((d) => `${d.type} ${d.pod.name}`).sort()).toEqual(['ADDED api', 'ADDED sentinel']);

    await setContainerScenario(core, ns, 'api', 'app', { kind: 'oom-killed' });
    const oom = await rec.waitFor('OOMKilled api', (d) => d.pod.name === 'api' && hasKind('OOMKilled')(d.pod));
    expect(oom.type).toBe('MODIFIED');
    expect(detectIncidents([oom.pod])).toEqual([
      expect.objectContaining({ kind: 'OOMKilled', namespace: ns, pod: 'api', container: 'app', exitCode: 137, memoryLimit: '64Mi' }),
    ]);

    await barrier(rec, ns);
    expect(count(rec, 'api', (d) => hasKind('OOMKilled')(d.pod))).toBe(1);
    expect(restarts).toEqual([]);
  }, CLUSTER_TEST_MS);

  it('watches every namespace when none is given', async () => {
    const [a, b] = [await createNamespace(core, 'watch-a'), await createNamespace(core, 'watch-b')];
    const rec = recordDeliveries();
    const { watch: w } = await watch({ namespaces: [], onPod: rec.onPod });
    await w.ready;
    await createPod(a, 'one');
    await createPod(b, 'two');
    await rec.waitFor(`pod one in ${a}`, (d) => d.pod.namespace === a && d.pod.name === 'one' && d.type === 'ADDED');
    await rec.waitFor(`pod two in ${b}`, (d) => d.pod.namespace === b && d.pod.name === 'two' && d.type === 'ADDED');
  }, CLUSTER_TEST_MS);

  it('watches every namespace through one cluster-wide list and watch, not one per namespace', async () => {
    const namespaces = [await createNamespace(core, 'wide-a'), await createNamespace(core, 'wide-b'), await createNamespace(core, 'wide-c')];
    const p = await proxy();
    const rec = recordDeliveries();
    const { watch: w } = await watch({ kubeConfig: p.kubeConfig, namespaces: [], onPod: rec.onPod });
    await w.ready;
    for (const ns of namespaces) await createPod(ns, 'app');
    for (const ns of namespaces) await rec.waitFor(`pod app in ${ns}`, (d) => d.pod.namespace === ns && d.pod.name === 'app' && d.type === 'ADDED');
    const podRequests = p.requests.filter((r) => /\/pods(\?|$)/.test(r.path));
    // Re-watches after a deadline may happen; each one is the same cluster-wide watch.
    expect([...new Set(podRequests.filter((r) => r.watch).map((r) => r.path.split('?')[0]))]).toEqual(['/api/v1/pods']);
    expect(podRequests.every((r) => r.path.startsWith('/api/v1/pods'))).toBe(true);
  }, CLUSTER_TEST_MS);

  it('resumes after its connections are cut, from where it was, without re-listing or re-delivering', async () => {
    const ns = await createNamespace(core, 'watch');
    await createPod(ns, 'api');
    await createPod(ns, 'sentinel');
    const p = await proxy();
    const rec = recordDeliveries();
    const { watch: w, restarts } = await watch({ kubeConfig: p.kubeConfig, namespaces: [ns], onPod: rec.onPod });
    await w.ready;
    const lists = (): number => p.requests.filter((r) => !r.watch).length;
    const listsBefore = lists();

    p.setBlocked(true);
    p.resetConnections();
    await waitUntil('the watch noticed the cut', async () => (restarts.length > 0 ? true : 'no restart yet'));
    // Changed while the watch cannot reach the API server.
    await setContainerScenario(core, ns, 'api', 'app', { kind: 'crash-loop-after-oom' });
    p.setBlocked(false);

    const loop = await rec.waitFor('OOM crash loop on api', (d) => d.pod.name === 'api' && hasKind('OOMCrashLoop')(d.pod));
    expect(loop.type).toBe('MODIFIED');
    await barrier(rec, ns);
    expect(lists()).toBe(listsBefore);
    expect(restarts.every((r) => r === 'closed' || r === 'error')).toBe(true);
    expect(count(rec, 'api', (d) => hasKind('OOMCrashLoop')(d.pod))).toBe(1);
    expect(count(rec, 'api', (d) => d.type === 'ADDED')).toBe(1);
  }, CLUSTER_TEST_MS);

  it('re-lists after 410 Gone: unchanged pods are not delivered again, changes and deletions made meanwhile are', async () => {
    const ns = await createNamespace(core, 'watch');
    for (const name of ['api', 'worker', 'batch', 'sentinel']) await createPod(ns, name);
    const p = await proxy();
    const rec = recordDeliveries();
    const { lines, logger } = captureLogs();
    const { watch: w, restarts } = await watch({ kubeConfig: p.kubeConfig, namespaces: [ns], onPod: rec.onPod, logger });
    await w.ready;
    await setContainerScenario(core, ns, 'api', 'app', { kind: 'oom-killed' });
    await rec.waitFor('OOMKilled api', (d) => d.pod.name === 'api' && hasKind('OOMKilled')(d.pod));

    p.setBlocked(true);
    p.expireNextWatch();
    p.resetConnections();
    await waitUntil('the watch noticed the cut', async () => (restarts.length > 0 ? true : 'no restart yet'));
    await setContainerScenario(core, ns, 'worker', 'app', { kind: 'crash-loop-after-oom' });
    await core.deleteNamespacedPod({ namespace: ns, name: 'batch', gracePeriodSeconds: 0 });
    const seenBefore = rec.deliveries.length;
    p.setBlocked(false);

    // The deletion is found at the end of the re-list; the barrier then follows it.
    await rec.waitFor('batch deleted', (d) => d.pod.name === 'batch' && d.type === 'DELETED');
    await barrier(rec, ns);
    expect(restarts).toContain('gone');
    const expired = p.requests.findIndex((r) => r.gone);
    expect(expired).toBeGreaterThanOrEqual(0);
    expect(p.requests.slice(expired + 1).find((r) => !r.watch)?.path).toContain(`/namespaces/${ns}/pods`);
    // After the re-list: the change and the deletion made while away, then the barrier. Nothing else.
    expect(rec.deliveries.slice(seenBefore).map((d) => `${d.type} ${d.pod.name} ${kinds(d.pod).join('+')}`)).toEqual([
      'MODIFIED worker OOMCrashLoop',
      'DELETED batch ',
      'MODIFIED sentinel ',
    ]);
    expect(count(rec, 'api', (d) => hasKind('OOMKilled')(d.pod))).toBe(1);
    for (const name of ['api', 'worker', 'batch', 'sentinel']) expect(count(rec, name, (d) => d.type === 'ADDED')).toBe(1);
    const restartLines = lines.filter((l) => l.reason === 'gone');
    expect(restartLines).toHaveLength(1);
    expect(restartLines[0]).toMatchObject({ level: 40, namespace: ns, code: 'k8s_gone' });
    expect(String(restartLines[0]!.msg)).toMatch(/pod watch restarting \(gone\) .*re-list in \d+ ms/);
  }, CLUSTER_TEST_MS);

  it('keeps delivering after the API server restarts', async () => {
    const ns = await createNamespace(core, 'watch');
    await createPod(ns, 'api');
    await createPod(ns, 'sentinel');
    const rec = recordDeliveries();
    const { watch: w, restarts } = await watch({ namespaces: [ns], onPod: rec.onPod });
    await w.ready;

    await cluster.restart();
    await setContainerScenario(core, ns, 'api', 'app', { kind: 'oom-killed' });
    await rec.waitFor('OOMKilled api after the restart', (d) => d.pod.name === 'api' && hasKind('OOMKilled')(d.pod));
    expect(restarts.length).toBeGreaterThan(0);
    expect(restarts.every((r) => ['closed', 'error', 'gone'].includes(r))).toBe(true);

    await barrier(rec, ns);
    expect(count(rec, 'api', (d) => hasKind('OOMKilled')(d.pod))).toBe(1);
    expect(count(rec, 'api', (d) => d.type === 'ADDED')).toBe(1);
  }, CLUSTER_TEST_MS);

  it('stop() closes an open watch connection', async () => {
    const ns = await createNamespace(core, 'watch');
    await createPod(ns, 'sentinel');
    const p = await proxy();
    const rec = recordDeliveries();
    const { watch: w } = await watch({ kubeConfig: p.kubeConfig, namespaces: [ns], onPod: rec.onPod });
    await w.ready;
    await waitUntil('the watch request', async () => (p.requests.some((r) => r.watch) ? true : 'no watch yet'));
    expect(p.openConnections()).toBeGreaterThan(0);

    await w.stop();
    await waitUntil('every connection closed', async () => (p.openConnections() === 0 ? true : `${p.openConnections()} open`), { timeoutMs: 20_000 });
    await w.stop(); // idempotent
  }, CLUSTER_TEST_MS);

  it('stop() aborts a watch request the server has not answered yet', async () => {
    const ns = await createNamespace(core, 'watch');
    const p = await proxy();
    p.setStallWatches(true);
    const { watch: w } = await watch({ kubeConfig: p.kubeConfig, namespaces: [ns], onPod: () => {} });
    await w.ready;
    await waitUntil('the watch request', async () => (p.requests.some((r) => r.watch) ? true : 'no watch yet'));

    await w.stop();
    // client-node's own watch timer would only end it after 30 s; stop() ends it now.
    await waitUntil('the stalled watch connection closed', async () => (p.openConnections() === 0 ? true : `${p.openConnections()} open`), { timeoutMs: 20_000 });
  }, CLUSTER_TEST_MS);

  it('stop() ends a restart backoff at once and rejects ready when the first list never succeeded', async () => {
    const unreachable = new KubeConfig();
    unreachable.loadFromOptions({
      clusters: [{ name: 'gone', server: 'https://127.0.0.1:1', skipTLSVerify: false }],
      users: [{ name: 'u', token: 't' }],
      contexts: [{ name: 'gone', cluster: 'gone', user: 'u' }],
      currentContext: 'gone',
    });
    const restarts: string[] = [];
    const w = await startPodWatch({
      kubeConfig: unreachable, namespaces: ['default'], onPod: () => {}, logger: createLogger('silent'),
      onRestart: (r) => restarts.push(r),
      // Far longer than the test timeout: the test only passes if stop() cuts the wait short.
      relistBackoffMs: { min: 10 * 60_000, max: 10 * 60_000 },
    });
    await waitUntil('the first failed list', async () => (restarts.length > 0 ? true : 'no restart yet'));
    expect(restarts).toEqual(['error']);
    await w.stop();
    const outcome = await w.ready.then(() => 'resolved', (err: unknown) => err);
    expect(isAppError(outcome, 'k8s_error')).toBe(true);
  });

  it('refuses a bad backoff range at start', async () => {
    await expect(startPodWatch({ kubeConfig: kc, namespaces: [], onPod: () => {}, logger: createLogger('silent'), relistBackoffMs: { min: 5, max: 1 } }))
      .rejects.toMatchObject({ code: 'config_invalid' });
  });
});
