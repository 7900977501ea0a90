// What globalSetup hands to test files about the shared cluster (plain data, crosses processes).
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
