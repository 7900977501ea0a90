// Loading the Kubernetes client configuration: explicit path, KUBECONFIG, and clear failures.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { stringify } from 'yaml';
import { loadKubeConfig } from '../../../src/adapters/kubernetes/kube-config.ts';
import { isAppError } from '../../../src/core/errors.ts';

const kubeconfig = (server: string) => stringify({
  apiVersion: 'v1', kind: 'Config',
  clusters: [{ name: 'prod', cluster: { server, 'insecure-skip-tls-verify': true } }],
  users: [{ name: 'sre', user: { token: 'abc' } }],
  contexts: [{ name: 'prod', context: { cluster: 'prod', user: 'sre' } }],
  'current-context': 'prod',
});

describe('loadKubeConfig', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kube-config-test-'));
    await writeFile(join(dir, 'a.yaml'), kubeconfig('https://a.example:6443'));
    await writeFile(join(dir, 'b.yaml'), kubeconfig('https://b.example:6443'));
    await writeFile(join(dir, 'no-context.yaml'), stringify({ apiVersion: 'v1', kind: 'Config', clusters: [], users: [], contexts: [] }));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));
  afterEach(() => vi.unstubAllEnvs());

  it('loads an explicit path', () => {
    expect(loadKubeConfig(join(dir, 'a.yaml')).getCurrentCluster()?.server).toBe('https://a.example:6443');
  });

  it('loads KUBECONFIG when no path is given', () => {
    vi.stubEnv('KUBECONFIG', join(dir, 'b.yaml'));
    expect(loadKubeConfig().getCurrentCluster()?.server).toBe('https://b.example:6443');
  });

  it('refuses a missing file with config_invalid', () => {
    expect(() => loadKubeConfig(join(dir, 'missing.yaml'))).toThrow(expect.objectContaining({ code: 'config_invalid' }));
  });

  it('refuses a kubeconfig without a current cluster', () => {
    let caught: unknown;
    try {
      loadKubeConfig(join(dir, 'no-context.yaml'));
    } catch (err) {
      caught = err;
    }
    expect(isAppError(caught, 'config_invalid')).toBe(true);
    expect((caught as Error).message).toContain('has no cluster');
  });

  it('refuses to fall back to localhost:8080 when nothing is configured', () => {
    vi.stubEnv('KUBECONFIG', '');
    vi.stubEnv('HOME', dir);
    vi.stubEnv('USERPROFILE', dir);
    expect(() => loadKubeConfig()).toThrow(expect.objectContaining({ code: 'config_invalid' }));
  });
});
