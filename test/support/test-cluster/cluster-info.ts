// What globalSetup hands to test files about the shared cluster (plain data, crosses processes).
import type { ClusterBinaries } from './binaries.ts';
import type { TestCluster } from './cluster.ts';
export type TestClusterInfo =
  | {
      available: true;
      server: string;
      kubeconfigPath: string;
      caFile: string;
      adminCertFile: string;
      adminKeyFile: string;
      /** Serving cert/key signed by the cluster CA, for fake kubelets and aggregated API servers. */
      servingCertFile: string;
      servingKeyFile: string;
      binariesDir: string;
    }
  | { available: false; reason: string };

export const BUILD_HINT = 'run `npm run test-cluster:build` (or set KUBEBUILDER_ASSETS to a folder with kube-apiserver and etcd)';

/** The plain-data description of a running cluster. */
export function describeCluster(cluster: TestCluster, binaries: ClusterBinaries): Extract<TestClusterInfo, { available: true }> {
  return {
    available: true,
    server: cluster.server,
    kubeconfigPath: cluster.kubeconfigPath,
    caFile: cluster.certs.caCert,
    adminCertFile: cluster.certs.adminCert,
    adminKeyFile: cluster.certs.adminKey,
    servingCertFile: cluster.certs.kubeletCert,
    servingKeyFile: cluster.certs.kubeletKey,
    binariesDir: binaries.dir,
  };
}
