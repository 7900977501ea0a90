// Every manifest the README tells people to apply passes a server-side dry run against the real
// test API server: schema, defaulting and admission see them as a cluster would.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { KubernetesObjectApi, PatchStrategy, type KubernetesObject } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { beforeAll, expect, it } from 'vitest';
import { describeWithCluster, useTestCluster } from '../support/cluster-context.ts';

const MANIFESTS = fileURLToPath(new URL('../../manifests/', import.meta.url));

function objectsOf(file: string): KubernetesObject[] {
  return parseAllDocuments(readFileSync(`${MANIFESTS}${file}`, 'utf8'))
    .map((d) => d.toJS() as KubernetesObject | null)
    .filter((o): o is KubernetesObject => Boolean(o?.kind));
}

const kustomization = parseAllDocuments(readFileSync(`${MANIFESTS}kustomization.yaml`, 'utf8'))[0]!.toJS() as { resources: string[] };
const AGENT_FILES = [...kustomization.resources, 'agent/secret.example.yaml'];
const DEMO_FILES = ['demo/00-namespace.yaml', 'demo/memory-hog.yaml', 'demo/slow-memory-hog.yaml'];

describeWithCluster('manifests: server-side dry run', () => {
  const cluster = useTestCluster();
  let client: KubernetesObjectApi;

  beforeAll(async () => {
    client = KubernetesObjectApi.makeApiClient(cluster.kc);
    // A dry run of a Namespace does not create it; namespaced objects need it to exist.
    for (const name of ['kube-ai-sre', 'demo']) {
      await cluster.core.createNamespace({ body: { metadata: { name } } }).catch((err: { code?: number }) => {
        if (err.code !== 409) throw err;
      });
    }
  });

  const dryRun = (obj: KubernetesObject) => client.patch(obj, undefined, 'All', 'kube-ai-sre-dry-run', true, PatchStrategy.ServerSideApply);

  it.each([...AGENT_FILES, ...DEMO_FILES])('%s is accepted by the API server', async (file) => {
    const objects = objectsOf(file);
    expect(objects.length).toBeGreaterThan(0);
    for (const obj of objects) {
      const result = await dryRun(obj);
      expect(result.kind).toBe(obj.kind);
      expect(result.metadata?.name).toBe(obj.metadata?.name);
    }
  });

  it('refuses a broken manifest, so the dry run can fail', async () => {
    const [deployment] = objectsOf('agent/deployment.yaml').filter((o) => o.kind === 'Deployment');
    const broken = structuredClone(deployment!) as KubernetesObject & { spec: { replicas: number } };
    broken.spec.replicas = -1;
    await expect(dryRun(broken)).rejects.toMatchObject({ code: 422 });
  });
});
