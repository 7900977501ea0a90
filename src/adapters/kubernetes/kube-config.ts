// Loads the Kubernetes client configuration: an explicit kubeconfig path, else KUBECONFIG /
// ~/.kube/config, else the in-cluster ServiceAccount. Fails fast when none is found.
import { KubeConfig } from './client-node.ts';
import { AppError } from '../../core/errors.ts';

// What client-node falls back to when it found nothing at all.
const NOTHING_FOUND_SERVER = 'http://localhost:8080';

export function loadKubeConfig(path?: string): KubeConfig {
  const kc = new KubeConfig();
  try {
    if (path) kc.loadFromFile(path);
    else kc.loadFromDefault();
  } catch (err) {
    const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new AppError('config_invalid', `cannot load kubeconfig ${path ? `"${path}"` : '(KUBECONFIG or ~/.kube/config)'}: ${reason}`, undefined, { cause: err });
  }
  const cluster = kc.getCurrentCluster();
  if (!cluster) {
    throw new AppError('config_invalid', `kubeconfig ${path ? `"${path}" ` : ''}has no cluster for context "${kc.getCurrentContext()}"`);
  }
  if (!path && cluster.server === NOTHING_FOUND_SERVER && kc.getCurrentContext() === 'loaded-context') {
    throw new AppError('config_invalid', 'no Kubernetes configuration found: set KUBECONFIG, create ~/.kube/config, or run in a cluster with a ServiceAccount');
  }
  return kc;
}
