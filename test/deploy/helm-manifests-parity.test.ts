// One source of truth: `helm template` with the default values (release kube-ai-sre-agent, namespace
// kube-ai-sre) renders the objects `kustomize build manifests` does, field for field: kinds, names,
// security posture, RBAC rules, probes, resources, volumes and the agent's environment. The chart may
// only add labels and annotations (Helm's own, the release instance, config checksums) and leaves
// out the Namespace (`helm install --create-namespace`). Change one, and this test names the field
// to change in the other.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseObjects, renderChart, idOf } from './chart.ts';
import { REPO_ROOT, findHelm, findKustomize, type K8sObject } from './repo-files.ts';
import { describeWithTools } from './tool-suites.ts';

/** Maps where the chart may add entries: every entry the manifests have must be there, unchanged. */
const SUPERSET_MAPS = new Set(['labels', 'matchLabels', 'annotations']);

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Every difference between a manifest object and the chart's, as "path: what" lines. */
function differences(manifest: unknown, chart: unknown, path: string[] = []): string[] {
  const where = path.join('.') || '(root)';
  const key = path.at(-1) ?? '';
  // A Service's spec.selector is a label map too.
  const supersetMap = SUPERSET_MAPS.has(key) || (key === 'selector' && path.length === 2 && isPlainObject(manifest) && !('matchLabels' in manifest));
  if (isPlainObject(manifest) && isPlainObject(chart)) {
    const out: string[] = [];
    for (const k of Object.keys(manifest)) {
      if (!(k in chart)) out.push(`${where}.${k}: missing from the chart (manifests: ${JSON.stringify(manifest[k])})`);
      else out.push(...differences(manifest[k], chart[k], [...path, k]));
    }
    if (!supersetMap) {
      for (const k of Object.keys(chart)) if (!(k in manifest) && !SUPERSET_MAPS.has(k)) out.push(`${where}.${k}: only in the chart (${JSON.stringify(chart[k])})`);
    }
    return out;
  }
  if (Array.isArray(manifest) && Array.isArray(chart)) {
    if (manifest.length !== chart.length) return [`${where}: ${manifest.length} items in manifests, ${chart.length} in the chart`];
    return manifest.flatMap((m, i) => differences(m, chart[i], [...path, String(i)]));
  }
  return manifest === chart ? [] : [`${where}: manifests ${JSON.stringify(manifest)}, chart ${JSON.stringify(chart)}`];
}

/** The policies ConfigMap holds YAML files: compare what they say, not their comments and layout. */
function withParsedPolicies(o: K8sObject): K8sObject {
  if (o.kind !== 'ConfigMap' || o.metadata.name !== 'kube-ai-sre-policies') return o;
  const data = (o as K8sObject & { data: Record<string, string> }).data;
  return { ...o, data: Object.fromEntries(Object.entries(data).map(([f, text]) => [f, parse(text) as unknown])) };
}

const kustomize = findKustomize();
const kustomizeTool = {
  name: 'kustomize',
  path: kustomize.path,
  found: kustomize.found,
  hint: `no kustomize at ${kustomize.path}: run \`npm run test-tools:build\` or set KUSTOMIZE`,
};

describeWithTools('Helm chart defaults = manifests/ (kustomize build)', [findHelm(), kustomizeTool], () => {
  let fromManifests: K8sObject[];
  let fromChart: K8sObject[];

  beforeAll(async () => {
    const { stdout } = await promisify(execFile)(kustomize.path, ['build', join(REPO_ROOT, 'manifests')]);
    fromManifests = parseObjects(stdout).filter((o) => o.kind !== 'Namespace');
    fromChart = await renderChart();
  });

  it('renders the same objects, by kind and name (the Namespace aside)', () => {
    expect(fromChart.map(idOf).sort()).toEqual(fromManifests.map(idOf).sort());
    expect(fromManifests.length).toBeGreaterThanOrEqual(11);
  });

  it('renders every object field for field like manifests/, adding only labels and annotations', () => {
    const problems = fromManifests.flatMap((m) => {
      const c = fromChart.find((o) => idOf(o) === idOf(m));
      return c ? differences(withParsedPolicies(m), withParsedPolicies(c)).map((p) => `${idOf(m)} ${p}`) : [`${idOf(m)}: not rendered by the chart`];
    });
    expect(problems).toEqual([]);
  });

  it('the comparison catches a drift (a capability added, a verb granted, a variable changed)', () => {
    const deployment = fromManifests.find((o) => idOf(o) === 'Deployment/kube-ai-sre-agent')!;
    const drifted = structuredClone(deployment) as K8sObject & { spec: { template: { spec: { containers: Array<{ securityContext: { capabilities: { drop: string[]; add?: string[] } } }> } } } };
    drifted.spec.template.spec.containers[0]!.securityContext.capabilities.add = ['NET_ADMIN'];
    expect(differences(deployment, drifted)).toEqual([expect.stringContaining('capabilities.add: only in the chart')]);
    const role = fromManifests.find((o) => o.kind === 'ClusterRole')! as K8sObject & { rules: Array<{ verbs: string[] }> };
    const widened = structuredClone(role);
    widened.rules[0]!.verbs = [...widened.rules[0]!.verbs, 'delete'];
    expect(differences(role, widened)).toEqual([expect.stringContaining('rules.0.verbs: 3 items in manifests, 4 in the chart')]);
    const cm = fromManifests.find((o) => idOf(o) === 'ConfigMap/kube-ai-sre-agent')! as K8sObject & { data: Record<string, string> };
    const changed = structuredClone(cm);
    changed.data.OLLAMA_MODEL = 'llama3';
    expect(differences(cm, changed)).toEqual(['data.OLLAMA_MODEL: manifests "mistral", chart "llama3"']);
    const relabelled = structuredClone(cm);
    relabelled.metadata.labels = { ...relabelled.metadata.labels, extra: 'yes' };
    expect(differences(cm, relabelled)).toEqual([]);
  });
});
