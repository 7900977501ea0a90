// The test cluster itself: a private one (not the shared one) so it can be restarted and stopped.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { describeWithCluster } from '../cluster-context.ts';
import { findClusterBinaries } from './binaries.ts';
import { startTestCluster, type TestCluster } from './cluster.ts';
import { applyLogOptions } from './fake-kubelet.ts';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describeWithCluster('startTestCluster', () => {
  let cluster: TestCluster;
  let core: CoreV1Api;
  beforeAll(async () => {
    cluster = await startTestCluster(findClusterBinaries()!);
    const kc = new KubeConfig();
    kc.loadFromFile(cluster.kubeconfigPath);
    core = kc.makeApiClient(CoreV1Api);
  });
  afterAll(() => cluster?.stop());

  it('serves the API as system:masters with RBAC and the front-proxy settings in place', async () => {
    const auth = await core.readNamespacedConfigMap({ name: 'extension-apiserver-authentication', namespace: 'kube-system' });
    expect(JSON.parse(auth.data?.['requestheader-allowed-names'] ?? '[]')).toEqual(['front-proxy-client']);
    expect(auth.data?.['requestheader-client-ca-file']).toContain('BEGIN CERTIFICATE');
    expect(JSON.parse(auth.data?.['requestheader-username-headers'] ?? '[]')).toEqual(['X-Remote-User']);
  });

  it('keeps its data and its address across an API server restart', async () => {
    await core.createNamespace({ body: { metadata: { name: 'survives-restart' } } });
    await cluster.restart();
    expect((await core.readNamespace({ name: 'survives-restart' })).metadata?.name).toBe('survives-restart');
  });

  it('stops every process it started and removes its folder', async () => {
    const pids = cluster.pids();
    expect(pids).toHaveLength(2);
    expect(pids.every(alive)).toBe(true);
    await cluster.stop();
    expect(pids.some(alive)).toBe(false);
    expect(existsSync(cluster.dir)).toBe(false);
  });
});

describe('fake kubelet log options', () => {
  const log = 'one\ntwo\nthree\n';
  it.each([
    [{}, 'one\ntwo\nthree\n'],
    [{ tailLines: '2' }, 'two\nthree\n'],
    [{ tailLines: '10' }, 'one\ntwo\nthree\n'],
    [{ tailLines: '0' }, ''],
    [{ limitBytes: '5' }, 'one\nt'],
    [{ tailLines: '1', limitBytes: '3' }, 'thr'],
  ])('%o', (query, expected) => {
    expect(applyLogOptions(log, query).toString('utf8')).toBe(expected);
  });
});
