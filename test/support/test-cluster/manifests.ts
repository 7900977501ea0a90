// Loads YAML manifests and applies them with server-side apply (idempotent, like `kubectl apply
// --server-side`), optionally moving namespaced objects into another namespace.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KubernetesObjectApi, PatchStrategy, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { PROJECT_ROOT } from './binaries.ts';

export const MANIFESTS_DIR = join(PROJECT_ROOT, 'manifests');

export async function loadManifest(path: string): Promise<KubernetesObject[]> {
  const text = await readFile(path.startsWith('/') ? path : join(MANIFESTS_DIR, path), 'utf8');
  return parseAllDocuments(text)
    .map((doc) => doc.toJS() as KubernetesObject | null)
    .filter((obj): obj is KubernetesObject => obj !== null && typeof obj === 'object' && 'kind' in obj);
}

export interface ApplyOptions {
  /** Put namespaced objects in this namespace and skip Namespace objects. */
  namespace?: string;
  /** Change each object before it is applied (e.g. set spec.nodeName). */
  transform?: (obj: KubernetesObject) => KubernetesObject;
}

const CLUSTER_SCOPED = new Set(['Namespace', 'Node', 'ClusterRole', 'ClusterRoleBinding', 'APIService', 'CustomResourceDefinition']);

export async function applyObjects(kc: KubeConfig, objects: KubernetesObject[], opts: ApplyOptions = {}): Promise<KubernetesObject[]> {
  const client = KubernetesObjectApi.makeApiClient(kc);
  const applied: KubernetesObject[] = [];
  for (const original of objects) {
    if (opts.namespace && original.kind === 'Namespace') continue;
    let obj: KubernetesObject = structuredClone(original);
    if (opts.namespace && !CLUSTER_SCOPED.has(obj.kind ?? '')) obj.metadata = { ...obj.metadata, namespace: opts.namespace };
    if (opts.transform) obj = opts.transform(obj);
    applied.push(await client.patch(obj, undefined, undefined, 'kube-ai-sre-tests', true, PatchStrategy.ServerSideApply));
  }
  return applied;
}

export async function applyManifest(kc: KubeConfig, path: string, opts: ApplyOptions = {}): Promise<KubernetesObject[]> {
  return applyObjects(kc, await loadManifest(path), opts);
}
