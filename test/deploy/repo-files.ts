// Reads the repository's deployment files for the deploy tests.
import { accessSync, constants, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Where scripts/test-tools/build-kustomize.sh (run by `npm test`'s pretest) caches kustomize. */
export const DEFAULT_KUSTOMIZE = join(REPO_ROOT, '.cache/test-tools/kustomize');

/** The kustomize binary the deploy tests run: $KUSTOMIZE (set by .ci/run), else the cached build. */
export function findKustomize(env: NodeJS.ProcessEnv = process.env): { path: string; found: boolean } {
  const path = env.KUSTOMIZE ? resolve(env.KUSTOMIZE) : DEFAULT_KUSTOMIZE;
  try {
    accessSync(path, constants.X_OK);
    return { path, found: true };
  } catch {
    return { path, found: false };
  }
}

export function readRepoFile(path: string): string {
  return readFileSync(join(REPO_ROOT, path), 'utf8');
}

/** Every *.yaml / *.yml under a repository folder, as repo-relative paths, sorted. */
export function yamlFilesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (abs: string): void => {
    for (const e of readdirSync(abs, { withFileTypes: true })) {
      const child = join(abs, e.name);
      if (e.isDirectory()) walk(child);
      else if (/\.ya?ml$/i.test(e.name)) out.push(relative(REPO_ROOT, child));
    }
  };
  walk(join(REPO_ROOT, dir));
  return out.sort();
}

/** All non-empty documents of a (multi-document) YAML file; throws on any syntax error. */
export function parseYamlDocs(path: string): Array<Record<string, unknown>> {
  const docs = parseAllDocuments(readRepoFile(path));
  if (!Array.isArray(docs)) return [];
  return docs.flatMap((doc) => {
    if (doc.errors.length > 0) throw new Error(`${path}: ${doc.errors.map((e) => e.message).join('; ')}`);
    const value: unknown = doc.toJS();
    return value === null || value === undefined ? [] : [value as Record<string, unknown>];
  });
}

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [key: string]: unknown;
}

export function k8sObjects(path: string): K8sObject[] {
  return parseYamlDocs(path) as unknown as K8sObject[];
}

export function findObject(objects: K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found;
}

/** A binary or folder the chart tests need, from $<envVar> (set by .ci/run) or the cached build. */
export interface TestTool {
  name: string;
  path: string;
  found: boolean;
  /** How to get it, for skip titles and CI failures. */
  hint: string;
}

function findTestTool(name: string, envVar: string, cached: string, kind: 'binary' | 'folder', env: NodeJS.ProcessEnv): TestTool {
  const path = env[envVar] ? resolve(env[envVar]) : join(REPO_ROOT, '.cache/test-tools', cached);
  let found: boolean;
  try {
    accessSync(path, kind === 'binary' ? constants.X_OK : constants.R_OK);
    found = kind === 'binary' || readdirSync(path).some((f) => f.endsWith('.yaml'));
  } catch {
    found = false;
  }
  const hint = `no ${name} at ${path}: run \`npm run test-tools:build\` (Go needed) or set ${envVar}`;
  return { name, path, found, hint };
}

/** helm v3, built by scripts/test-tools/build-helm.sh; $HELM names another binary. */
export function findHelm(env: NodeJS.ProcessEnv = process.env): TestTool {
  return findTestTool('helm', 'HELM', 'helm', 'binary', env);
}

/** promtool, built by scripts/test-tools/build-promtool.sh; $PROMTOOL names another binary. */
export function findPromtool(env: NodeJS.ProcessEnv = process.env): TestTool {
  return findTestTool('promtool', 'PROMTOOL', 'promtool', 'binary', env);
}

/** The prometheus-operator CRD files, copied by scripts/test-tools/fetch-prometheus-operator-crds.sh. */
export function findPrometheusOperatorCrds(env: NodeJS.ProcessEnv = process.env): TestTool {
  return findTestTool('prometheus-operator CRDs', 'PROMETHEUS_OPERATOR_CRDS', 'prometheus-operator-crds', 'folder', env);
}
