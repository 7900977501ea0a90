// vitest globalSetup: starts ONE test cluster (etcd + kube-apiserver, ~3 s) for the whole run and
// provides its coordinates to test files (see cluster-context.ts). Without the binaries: a failure
// on CI (CI set to anything non-empty: CI systems use `true`, `1` or a name), otherwise cluster
// suites are skipped with a hint to build them.
import type { TestProject } from 'vitest/node';
import { assetDirs, findClusterBinaries } from './test-cluster/binaries.ts';
import { startTestCluster } from './test-cluster/cluster.ts';
import { BUILD_HINT, describeCluster, type TestClusterInfo } from './test-cluster/cluster-info.ts';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const binaries = findClusterBinaries();
  if (!binaries) {
    const reason = `kube-apiserver/etcd not found in ${assetDirs().join(' or ')}`;
    if (process.env.CI) throw new Error(`test cluster: ${reason}; ${BUILD_HINT}`);
    console.warn(`[test-cluster] ${reason}; cluster tests are skipped; ${BUILD_HINT}`);
    project.provide('testCluster', { available: false, reason } satisfies TestClusterInfo);
    return async () => {};
  }
  const cluster = await startTestCluster(binaries);
  project.provide('testCluster', describeCluster(cluster, binaries));
  return () => cluster.stop();
}
