// Runs the real helm against charts/kube-ai-sre-agent for the chart tests.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { REPO_ROOT, findHelm, type K8sObject } from './repo-files.ts';

export const CHART_DIR = join(REPO_ROOT, 'charts/kube-ai-sre-agent');
/** With this release name and namespace the chart's objects are named like manifests/. */
export const RELEASE = 'kube-ai-sre-agent';
export const NAMESPACE = 'kube-ai-sre';

/** The documented value combinations, charts/kube-ai-sre-agent/ci/*-values.yaml (repo-relative). */
export const CI_VALUES = readdirSync(join(CHART_DIR, 'ci'))
  .filter((f) => f.endsWith('-values.yaml'))
  .sort()
  .map((f) => `charts/kube-ai-sre-agent/ci/${f}`);

// helm keeps caches and repository lists under these; a throwaway home keeps the tests hermetic.
const helmHome = mkdtempSync(join(tmpdir(), 'helm-home-'));
const helmEnv = {
  ...process.env,
  HELM_CACHE_HOME: join(helmHome, 'cache'),
  HELM_CONFIG_HOME: join(helmHome, 'config'),
  HELM_DATA_HOME: join(helmHome, 'data'),
  // No cluster unless a test names one: helm template and lint must never reach out.
  KUBECONFIG: join(helmHome, 'no-kubeconfig'),
};

export interface HelmResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs helm; never throws on a non-zero exit (the result says how it ended). */
export function helm(args: string[], env: NodeJS.ProcessEnv = {}): Promise<HelmResult> {
  return new Promise((resolve, reject) => {
    execFile(findHelm().path, args, { cwd: REPO_ROOT, env: { ...helmEnv, ...env }, maxBuffer: 32 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number') return reject(err);
      resolve({ code: err ? (err.code as number) : 0, stdout, stderr });
    });
  });
}

export interface RenderOptions {
  /** Values files, repo-relative. */
  values?: string[];
  /** --set expressions. */
  set?: string[];
  release?: string;
  namespace?: string;
  showOnly?: string;
}

export function templateArgs(opts: RenderOptions = {}): string[] {
  const args = ['template', opts.release ?? RELEASE, CHART_DIR, '--namespace', opts.namespace ?? NAMESPACE];
  for (const v of opts.values ?? []) args.push('--values', join(REPO_ROOT, v));
  for (const s of opts.set ?? []) args.push('--set', s);
  if (opts.showOnly) args.push('--show-only', opts.showOnly);
  return args;
}

/** `helm template` parsed into objects; throws with helm's message when rendering fails. */
export async function renderChart(opts: RenderOptions = {}): Promise<K8sObject[]> {
  const result = await helm(templateArgs(opts));
  if (result.code !== 0) throw new Error(`helm template failed (${result.code}): ${result.stderr}`);
  return parseObjects(result.stdout);
}

/** Multi-document YAML into objects; throws on any YAML error (duplicate keys included). */
export function parseObjects(text: string): K8sObject[] {
  return parseAllDocuments(text).flatMap((doc) => {
    if (doc.errors.length > 0) throw new Error(doc.errors.map((e) => e.message).join('; '));
    const value = doc.toJS() as K8sObject | null;
    return value?.kind ? [value] : [];
  });
}

export const idOf = (o: K8sObject): string => `${o.kind}/${o.metadata.name}`;
