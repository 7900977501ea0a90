// Writes manifests/agent/policies-configmap.yaml from policies/*.yaml|*.yml, so the cluster runs
// the same policies as the repository. kustomize refuses files outside its root (../policies),
// hence a generated file instead of a configMapGenerator; a test fails when it drifts.
//   node scripts/render-policies-configmap.ts
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Document } from 'yaml';

export const POLICIES_CONFIGMAP_NAME = 'kube-ai-sre-policies';
const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const POLICIES_DIR = `${REPO_ROOT}policies`;
export const POLICIES_CONFIGMAP_PATH = `${REPO_ROOT}manifests/agent/policies-configmap.yaml`;

export interface PolicyFile {
  name: string;
  text: string;
}

/** The same files the agent loads: top-level *.yaml / *.yml, sorted by name. */
export async function readPolicyFiles(dir: string): Promise<PolicyFile[]> {
  const candidates = (await readdir(dir)).filter((n) => !n.startsWith('.') && /\.ya?ml$/i.test(n)).sort();
  const files = await Promise.all(
    candidates.map(async (name) => {
      const path = `${dir}/${name}`;
      return (await stat(path)).isFile() ? { name, text: await readFile(path, 'utf8') } : undefined;
    }),
  );
  return files.filter((f): f is PolicyFile => f !== undefined);
}

export function renderPoliciesConfigMap(files: PolicyFile[]): string {
  const doc = new Document({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: POLICIES_CONFIGMAP_NAME,
      namespace: 'kube-ai-sre',
      labels: { 'app.kubernetes.io/name': 'kube-ai-sre-agent', 'app.kubernetes.io/component': 'agent' },
    },
    data: Object.fromEntries(files.map((f) => [f.name, f.text])),
  });
  doc.commentBefore =
    ' GENERATED from policies/ by scripts/render-policies-configmap.ts: edit policies/*.yaml and re-run\n' +
    ' `node scripts/render-policies-configmap.ts`. Mounted at /app/policies (POLICY_DIR) in the agent.';
  // Block literals keep each policy file readable (and its comments intact) inside the manifest.
  return doc.toString({ blockQuote: 'literal', lineWidth: 0 });
}

if (import.meta.main) {
  const files = await readPolicyFiles(POLICIES_DIR);
  await writeFile(POLICIES_CONFIGMAP_PATH, renderPoliciesConfigMap(files));
  console.log(`wrote ${POLICIES_CONFIGMAP_PATH} (${files.map((f) => f.name).join(', ')})`);
}
