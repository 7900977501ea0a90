// Finds kube-apiserver and etcd: KUBEBUILDER_ASSETS (the envtest convention) first, then the
// folder scripts/test-cluster/build.sh fills.
import { join, resolve } from 'node:path';
import { executable, PROJECT_ROOT } from '../tool-binaries.ts';

export interface ClusterBinaries {
  dir: string;
  kubeApiserver: string;
  etcd: string;
}

export { PROJECT_ROOT };
export const DEFAULT_ASSETS_DIR = join(PROJECT_ROOT, '.cache/kubebuilder-assets');

/** The folders searched, in order, for a missing-binaries message. */
export function assetDirs(env: NodeJS.ProcessEnv = process.env): string[] {
  const dirs = env.KUBEBUILDER_ASSETS ? [resolve(env.KUBEBUILDER_ASSETS)] : [];
  return [...dirs, DEFAULT_ASSETS_DIR];
}

export function findClusterBinaries(env: NodeJS.ProcessEnv = process.env): ClusterBinaries | undefined {
  for (const dir of assetDirs(env)) {
    const kubeApiserver = join(dir, 'kube-apiserver');
    const etcd = join(dir, 'etcd');
    if (executable(kubeApiserver) && executable(etcd)) return { dir, kubeApiserver, etcd };
  }
  return undefined;
}
