// The pod watch of the running bot through "410 Gone" and an API server restart. This file starts
// its own cluster (restarting the shared one would cut other files' requests); a TLS proxy in front
// of it answers the next watch with 410. After each, the watch is back, an OOM that happens later is
// posted exactly once, restarts are counted and logged, and the agent keeps serving.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { startHarness, type Harness } from '../support/agent-harness.ts';
import { describeWithCluster } from '../support/cluster-context.ts';
import { eventually } from '../support/eventually.ts';
import { recordingLogger } from '../support/recording-logger.ts';
import { findClusterBinaries } from '../support/test-cluster/binaries.ts';
import { startTestCluster, type TestCluster } from '../support/test-cluster/cluster.ts';
import { createNamespace } from '../support/test-cluster/namespaces.ts';
import { setContainerScenario } from '../support/test-cluster/pod-status.ts';
import { startApiProxy, type ApiProxy } from '../support/watch-helpers.ts';
import { expectAudited, expectServing, incidentPosts, metric, problems } from './fault-support.ts';

describeWithCluster('the pod watch of the running bot through 410 Gone and an API server restart', () => {
  let cluster: TestCluster;
  let core: CoreV1Api;
  let proxy: ApiProxy;
  let h: Harness;
  let ns: string;
  const logger = recordingLogger();

  async function createPod(name: string): Promise<void> {
    await core.createNamespacedPod({
      namespace: ns,
      body: {
        metadata: { name, labels: { app: name } },
        spec: { containers: [{ name: 'app', image: 'registry.example/app:1.4.2', resources: { requests: { memory: '64Mi' }, limits: { memory: '64Mi' } } }] },
      },
    });
  }

  const watchRequests = () => proxy.requests.filter((r) => r.watch && r.path.includes(`/namespaces/${ns}/pods`));
  const restarts = () => metric(h, 'watch_restarts_total');

  beforeAll(async () => {
    cluster = await startTestCluster(findClusterBinaries()!);
    const kc = new KubeConfig();
    kc.loadFromFile(cluster.kubeconfigPath);
    core = kc.makeApiClient(CoreV1Api);
    proxy = await startApiProxy({
      upstream: cluster.server, caFile: cluster.certs.caCert,
      clientCertFile: cluster.certs.adminCert, clientKeyFile: cluster.certs.adminKey,
      servingCertFile: cluster.certs.kubeletCert, servingKeyFile: cluster.certs.kubeletKey,
    });
    ns = await createNamespace(core, 'watch-fault');
    for (const name of ['api', 'worker', 'cache']) await createPod(name);
    h = await startHarness({ kc }, { mode: 'http', namespace: ns, watch: true, logger, kubeConfig: proxy.kubeConfig });
    // The start-up scan has run (nothing to find) and the watch is open.
    await eventually('the start-up scan', async () => (await metric(h, 'scans_total', { namespace: ns, outcome: 'ok' })) >= 1);
    await eventually('the watch open', () => watchRequests().length > 0);
  });
  afterAll(async () => {
    await h?.stop();
    await proxy?.close();
    await cluster?.stop();
  });

  /** An OOM that only the watch can see (no scan runs), posted once; a scan afterwards adds nothing. */
  async function oomPostedOnceByTheWatch(pod: string): Promise<void> {
    const scansBefore = await metric(h, 'scans_total', { namespace: ns });
    await setContainerScenario(core, ns, pod, 'app', { kind: 'oom-killed' });
    await eventually(`${pod} posted`, () => incidentPosts(h, ns, pod).length === 1, 40_000);
    expect(await metric(h, 'scans_total', { namespace: ns })).toBe(scansBefore);
    await h.queues.enqueueScan({ namespace: ns, trigger: 'schedule' });
    await eventually('a scan after the post', async () => (await metric(h, 'scans_total', { namespace: ns })) === scansBefore + 1);
    expect(incidentPosts(h, ns, pod)).toHaveLength(1);
    const incident = (await h.store.listOpen()).find((r) => r.detection.pod === pod);
    await eventually('the post audited', async () => (await h.auditEntries()).some((e) => e.incidentId === incident?.id && e.action === 'incident_posted'));
    await expectAudited(h, incident!.id, ['incident_posted']);
  }

  it('re-lists after 410 Gone, counts and logs the restart, and still posts a later OOM once', async () => {
    const before = await restarts();
    proxy.expireNextWatch();
    proxy.resetConnections();
    await eventually('the 410 answered', () => proxy.requests.some((r) => r.gone), 40_000);
    await eventually('the restart counted', async () => (await metric(h, 'watch_restarts_total', { reason: 'gone' })) >= 1, 40_000);
    expect(await restarts()).toBeGreaterThan(before);
    expect(problems(logger.entries, /pod watch restarting \(gone\)/).length).toBeGreaterThan(0);
    await expectServing(h);
    await oomPostedOnceByTheWatch('api');
  }, 90_000);

  it('recovers from an API server restart mid-watch and still posts a later OOM once', async () => {
    const before = await restarts();
    const watchesBefore = watchRequests().length;
    await cluster.restart();
    await eventually('the restart counted', async () => (await restarts()) > before, 60_000);
    await eventually('a new watch opened', () => watchRequests().length > watchesBefore, 60_000);
    expect(problems(logger.entries, /pod watch restarting/).length).toBeGreaterThanOrEqual(2);
    await expectServing(h);
    await oomPostedOnceByTheWatch('worker');
    expect(incidentPosts(h, ns, 'api')).toHaveLength(1);
    expect((await h.audit.verify()).ok).toBe(true);
  }, 120_000);
});
