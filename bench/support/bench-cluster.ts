// A private test cluster for one benchmark: etcd + kube-apiserver (the tests' startTestCluster),
// a fake node served by a fake kubelet, and the same TestClusterContext the end-to-end tests use,
// so the agent harness runs unchanged. stop() ends everything it started (by PID / close()).
import { clusterContext, type TestClusterContext } from '../../test/support/cluster-context.ts';
import { findClusterBinaries } from '../../test/support/test-cluster/binaries.ts';
import { BUILD_HINT, describeCluster } from '../../test/support/test-cluster/cluster-info.ts';
import { startTestCluster, type TestCluster } from '../../test/support/test-cluster/cluster.ts';
import { httpsGet } from '../../test/support/test-cluster/https-get.ts';

export interface BenchCluster extends TestClusterContext {
  cluster: TestCluster;
  /** The API server's own Prometheus metrics (admin client certificate). */
  scrapeMetrics(): Promise<string>;
  stop(): Promise<void>;
}

export async function startBenchCluster(): Promise<BenchCluster> {
  const binaries = findClusterBinaries();
  if (!binaries) throw new Error(`kube-apiserver/etcd not found; ${BUILD_HINT}`);
  const cluster = await startTestCluster(binaries);
  const info = describeCluster(cluster, binaries);
  const context = clusterContext(info);
  return {
    ...context,
    cluster,
    async scrapeMetrics() {
      const res = await httpsGet(`${info.server}/metrics`, { caFile: info.caFile, certFile: info.adminCertFile, keyFile: info.adminKeyFile }, 20_000);
      if (res.status !== 200) throw new Error(`GET /metrics: ${res.status}`);
      return res.body;
    },
    async stop() {
      await context.closeNode();
      await cluster.stop();
    },
  };
}
