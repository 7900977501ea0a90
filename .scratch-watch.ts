import { KubeConfig, Watch, CoreV1Api } from '@kubernetes/client-node';
import { findClusterBinaries } from './test/support/test-cluster/binaries.ts';
import { startTestCluster } from './test/support/test-cluster/cluster.ts';
const c = await startTestCluster(findClusterBinaries()!);
try {
  const kc = new KubeConfig(); kc.loadFromFile(c.kubeconfigPath);
  const core = kc.makeApiClient(CoreV1Api);
  const list = await core.listNamespacedPod({ namespace: 'default' });
  console.log('list rv', list.metadata?.resourceVersion);
  const t0 = performance.now();
  const w = (name: string, q: Record<string, unknown>) => new Promise<void>((resolve) => {
    void new Watch(kc).watch('/api/v1/namespaces/default/pods', q as never,
      (phase, obj) => console.log(name, ((performance.now() - t0) / 1000).toFixed(1), phase, obj?.metadata?.resourceVersion),
      (err) => { console.log(name, ((performance.now() - t0) / 1000).toFixed(1), 'done', err?.name); resolve(); });
  });
  const ticker = setInterval(() => void core.createNamespace({ body: { metadata: { generateName: 'x-' } } }), 3000);
  await Promise.all([
    w('a25', { resourceVersion: list.metadata?.resourceVersion, allowWatchBookmarks: true, timeoutSeconds: 25 }),
    w('b12', { resourceVersion: list.metadata?.resourceVersion, allowWatchBookmarks: true, timeoutSeconds: 12 }),
  ]);
  clearInterval(ticker);
} finally { await c.stop(); }
