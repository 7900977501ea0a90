// A private test cluster for one benchmark: etcd + kube-apiserver (the tests' startTestCluster),
// a fake node served by a fake kubelet, and the same TestClusterContext the end-to-end tests use,
// so the agent harness runs unchanged. stop() ends everything it started (by PID / close()).
import { AppsV1Api, BatchV1Api, CoreV1Api, KubeConfig, RbacAuthorizationV1Api, type KubernetesObject } from '@kubernetes/client-node';
import type { FakeNode, TestClusterContext } from '../../test/support/cluster-context.ts';
import { findClusterBinaries, type ClusterBinaries } from '../../test/support/test-cluster/binaries.ts';
import { BUILD_HINT } from '../../test/support/test-cluster/cluster-info.ts';
import { startTestCluster, type TestCluster } from '../../test/support/test-cluster/cluster.ts';
import { postEvent } from '../../test/support/test-cluster/events.ts';
import { startFakeKubelet } from '../../test/support/test-cluster/fake-kubelet.ts';
import { httpsGet } from '../../test/support/test-cluster/https-get.ts';
import { applyManifest } from '../../test/support/test-cluster/manifests.ts';
import { createNamespace, uniqueName } from '../../test/support/test-cluster/namespaces.ts';
import { createFakeNode } from '../../test/support/test-cluster/nodes.ts';
import { bindPod, markEvictedForMemory, setContainerScenario } from '../../test/support/test-cluster/pod-status.ts';
import { serviceAccountToken, tokenKubeConfig } from '../../test/support/test-cluster/service-account.ts';

export interface BenchCluster extends TestClusterContext {
  cluster: TestCluster;
  /** The API server's own Prometheus metrics (admin client certificate). */
  scrapeMetrics(): Promise<string>;
  stop(): Promise<void>;
}

// generateClusterCerts signs three certificates with one CA at once, and openssl's -CAcreateserial
// then races on the CA's serial file ("Unable to load number from …/ca.srl") now and then. A
// failed start cleans up after itself, so trying again is safe.
async function startWithRetry(binaries: ClusterBinaries, attempts = 3): Promise<TestCluster> {
  for (let i = 1; ; i++) {
    try {
      return await startTestCluster(binaries);
    } catch (err) {
      if (i >= attempts || !/openssl/.test((err as Error).message)) throw err;
    }
  }
}

export async function startBenchCluster(): Promise<BenchCluster> {
  const binaries = findClusterBinaries();
  if (!binaries) throw new Error(`kube-apiserver/etcd not found; ${BUILD_HINT}`);
  const cluster = await startWithRetry(binaries);
  const info = {
    available: true as const,
    server: cluster.server,
    kubeconfigPath: cluster.kubeconfigPath,
    caFile: cluster.certs.caCert,
    adminCertFile: cluster.certs.adminCert,
    adminKeyFile: cluster.certs.adminKey,
    servingCertFile: cluster.certs.kubeletCert,
    servingKeyFile: cluster.certs.kubeletKey,
    binariesDir: binaries.dir,
  };
  const kc = new KubeConfig();
  kc.loadFromFile(info.kubeconfigPath);
  const core = kc.makeApiClient(CoreV1Api);
  let nodePromise: Promise<FakeNode> | undefined;
  const node = (): Promise<FakeNode> => {
    nodePromise ??= (async () => {
      const kubelet = await startFakeKubelet({ certFile: info.servingCertFile, keyFile: info.servingKeyFile });
      const name = uniqueName('node');
      await createFakeNode(core, { name, kubeletPort: kubelet.port });
      return { name, kubelet };
    })();
    return nodePromise;
  };

  return {
    cluster,
    info,
    kc,
    core,
    apps: kc.makeApiClient(AppsV1Api),
    batch: kc.makeApiClient(BatchV1Api),
    rbac: kc.makeApiClient(RbacAuthorizationV1Api),
    createNamespace: (prefix) => createNamespace(core, prefix),
    applyManifest: (path, opts) => applyManifest(kc, path, opts),
    async applyDemo(namespace) {
      const { name } = await node();
      const applied: KubernetesObject[] = [];
      for (const file of ['demo/memory-hog.yaml', 'demo/slow-memory-hog.yaml']) applied.push(...await applyManifest(kc, file, { namespace }));
      for (const obj of applied) {
        if (obj.kind === 'Pod' && obj.metadata?.name) await bindPod(core, namespace, obj.metadata.name, name);
      }
      return applied;
    },
    node,
    async setLogs(namespace, pod, container, logs) {
      (await node()).kubelet.setLogs(namespace, pod, container, logs);
    },
    setContainerScenario: (namespace, pod, container, scenario, now) => setContainerScenario(core, namespace, pod, container, scenario, now),
    markEvictedForMemory: (namespace, pod, details, now) => markEvictedForMemory(core, namespace, pod, details, now),
    async postEvent(event) {
      await postEvent(core, event);
    },
    async serviceAccountKubeConfig(namespace, name) {
      return tokenKubeConfig(info.server, info.caFile, await serviceAccountToken(core, namespace, name), `${namespace}:${name}`);
    },
    async scrapeMetrics() {
      const res = await httpsGet(`${info.server}/metrics`, { caFile: info.caFile, certFile: info.adminCertFile, keyFile: info.adminKeyFile }, 20_000);
      if (res.status !== 200) throw new Error(`GET /metrics: ${res.status}`);
      return res.body;
    },
    async stop() {
      if (nodePromise) await (await nodePromise).kubelet.close();
      await cluster.stop();
    },
  };
}
