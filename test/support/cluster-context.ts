// What test files use to reach the shared test cluster started in globalSetup:
//   describeWithCluster('...', () => { const cluster = useTestCluster(); ... })
// The suite is skipped, with the reason in its name, when the binaries are missing locally; on CI
// (any non-empty CI) it fails instead, since CI must never pass by skipping.
import { afterAll, describe, inject, it } from 'vitest';
import { AppsV1Api, BatchV1Api, CoreV1Api, KubeConfig, RbacAuthorizationV1Api, type KubernetesObject, type V1Pod } from '@kubernetes/client-node';
import { BUILD_HINT, type TestClusterInfo } from './test-cluster/cluster-info.ts';
import { postEvent, type EventInput } from './test-cluster/events.ts';
import { startFakeKubelet, type ContainerLogs, type FakeKubelet } from './test-cluster/fake-kubelet.ts';
import { applyManifest, type ApplyOptions } from './test-cluster/manifests.ts';
import { createNamespace, uniqueName } from './test-cluster/namespaces.ts';
import { createFakeNode } from './test-cluster/nodes.ts';
import { bindPod, markEvictedForMemory, setContainerScenario, type ContainerScenario, type EvictionDetails } from './test-cluster/pod-status.ts';
import { serviceAccountToken, tokenKubeConfig } from './test-cluster/service-account.ts';

export type AvailableClusterInfo = Extract<TestClusterInfo, { available: true }>;

export function clusterInfo(): TestClusterInfo {
  return inject('testCluster') ?? { available: false, reason: 'globalSetup did not provide testCluster' };
}

export function clusterAvailable(): boolean {
  return clusterInfo().available;
}

export function clusterSkipReason(): string {
  const info = clusterInfo();
  return info.available ? '' : `skipped: ${info.reason}; ${BUILD_HINT}`;
}

/** describe() that needs the test cluster; when it is unavailable, one skipped test says why. */
export function describeWithCluster(name: string, fn: () => void): void {
  if (clusterAvailable()) {
    describe(name, fn);
    return;
  }
  // The body is not collected: it would call useTestCluster(), which needs the cluster.
  // globalSetup already fails a CI run without binaries; this covers a cluster that was not provided.
  const info = clusterInfo();
  const reason = info.available ? '' : info.reason;
  describe(name, () => {
    if (process.env.CI) {
      it('needs the test cluster', () => {
        throw new Error(`test cluster unavailable: ${reason}; ${BUILD_HINT}`);
      });
    } else {
      it.skip(clusterSkipReason(), () => {});
    }
  });
}

export interface FakeNode {
  name: string;
  kubelet: FakeKubelet;
}

export interface TestClusterContext {
  info: AvailableClusterInfo;
  /** Admin (system:masters) client configuration. */
  kc: KubeConfig;
  core: CoreV1Api;
  apps: AppsV1Api;
  batch: BatchV1Api;
  rbac: RbacAuthorizationV1Api;
  createNamespace(prefix?: string): Promise<string>;
  applyManifest(path: string, opts?: ApplyOptions): Promise<KubernetesObject[]>;
  /** Applies manifests/demo/{memory-hog,slow-memory-hog}.yaml into `namespace`, scheduled on this file's fake node. */
  applyDemo(namespace: string): Promise<KubernetesObject[]>;
  /** This file's Node, served by its own fake kubelet (created on first use). */
  node(): Promise<FakeNode>;
  setLogs(namespace: string, pod: string, container: string, logs: ContainerLogs): Promise<void>;
  setContainerScenario(namespace: string, pod: string, container: string, scenario: ContainerScenario, now?: Date): Promise<V1Pod>;
  markEvictedForMemory(namespace: string, pod: string, details: EvictionDetails, now?: Date): Promise<V1Pod>;
  postEvent(event: EventInput): Promise<void>;
  /** A KubeConfig authenticated as the ServiceAccount, with a TokenRequest token. */
  serviceAccountKubeConfig(namespace: string, name: string): Promise<KubeConfig>;
}

/** Call inside describeWithCluster(); closes this file's fake kubelet after the file. */
export function useTestCluster(): TestClusterContext {
  const info = clusterInfo();
  if (!info.available) throw new Error(`test cluster unavailable: ${info.reason}; ${BUILD_HINT}`);
  const context = clusterContext(info);
  afterAll(() => context.closeNode());
  return context;
}

/** The helpers over one running cluster (shared or private); closeNode() stops its fake kubelet. */
export function clusterContext(info: AvailableClusterInfo): TestClusterContext & { closeNode(): Promise<void> } {
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
    async closeNode() {
      if (nodePromise) await (await nodePromise).kubelet.close();
    },
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
      for (const file of ['demo/memory-hog.yaml', 'demo/slow-memory-hog.yaml']) {
        applied.push(...await applyManifest(kc, file, { namespace }));
      }
      // Scheduling is a separate step, as in a real cluster: bind each pod to the fake node.
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
  };
}
