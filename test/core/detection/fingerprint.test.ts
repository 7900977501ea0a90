import { describe, expect, it } from 'vitest';
import { fingerprint, fingerprintKey, workloadFromOwner } from '../../../src/core/detection/fingerprint.ts';
import { detectIncidents } from '../../../src/core/detection/registry.ts';
import { parsePod } from '../../../src/core/kube/parse.ts';
import type { Detection } from '../../../src/core/model.ts';
import { kubeFixture } from '../../fixtures/kube/load.ts';

const base: Detection = {
  kind: 'OOMCrashLoop',
  namespace: 'shop',
  pod: 'web-7d4b9c8f6-x2x9k',
  container: 'app',
  containerType: 'app',
  reason: 'OOMKilled',
  exitCode: 137,
  restartCount: 5,
  facts: [],
};
const web = { kind: 'Deployment', name: 'web' };

describe('fingerprint', () => {
  it('is short, deterministic and safe for URLs, Redis keys and Slack values', () => {
    const fp = fingerprint(base, web);
    expect(fp).toMatch(/^oom-[0-9a-f]{16}$/);
    expect(fingerprint(structuredClone(base), { ...web })).toBe(fp);
  });

  it('is the same for every pod of one crash-looping Deployment, and across OOMKilled ↔ OOMCrashLoop', () => {
    const a = parsePod(kubeFixture('pod-oom-crashloop-64mi'));
    const raw = kubeFixture('pod-oom-crashloop-64mi');
    (raw.metadata as Record<string, unknown>).name = 'web-7d4b9c8f6-q8w2v';
    const b = parsePod(raw);
    const [da] = detectIncidents([a]);
    const [db] = detectIncidents([b]);
    expect(da && db).toBeTruthy();
    const wa = workloadFromOwner(da!.owner, da!.pod);
    const wb = workloadFromOwner(db!.owner, db!.pod);
    expect(fingerprint(da!, wa)).toBe(fingerprint(db!, wb));
    expect(fingerprint({ ...da!, kind: 'OOMKilled', restartCount: 1, lastTerminatedAt: 'later' }, wa)).toBe(fingerprint(da!, wa));
  });

  it.each([
    ['namespace', { ...base, namespace: 'shop-staging' }, web],
    ['container', { ...base, container: 'sidecar' }, web],
    ['family', { ...base, kind: 'EvictedMemory' as const }, web],
    ['workload name', base, { kind: 'Deployment', name: 'web-canary' }],
    ['workload kind', base, { kind: 'StatefulSet', name: 'web' }],
  ])('changes with the %s', (_what, d, w) => {
    expect(fingerprint(d, w)).not.toBe(fingerprint(base, web));
  });

  it('cannot be confused by separators inside names', () => {
    const a = fingerprintKey({ ...base, namespace: 'a', container: 'b/c' }, { kind: 'Deployment', name: 'x' });
    const b = fingerprintKey({ ...base, namespace: 'a/b', container: 'c' }, { kind: 'Deployment', name: 'x' });
    expect(a).not.toBe(b);
  });

  it('takes another hash function when given one', () => {
    expect(fingerprint(base, web, (s) => `len${s.length}`)).toBe(`oom-len${fingerprintKey(base, web).length}`);
  });
});

describe('fingerprint across clusters', () => {
  // Values earlier versions stored: an install without CLUSTER_NAME must keep finding its incidents.
  it.each([
    ['a workload incident', base, web, 'oom-72cc451c58ecb88b'],
    ['an eviction', { ...base, kind: 'EvictedMemory' as const, nodeName: 'node-1' }, { kind: 'Node', name: 'node-1' }, 'eviction-36feef69cf2c626a'],
  ])('is unchanged for %s when no cluster is named', (_, d, w, stored) => {
    expect(fingerprint(d, w)).toBe(stored);
    expect(fingerprint(d, w, undefined, undefined)).toBe(stored);
  });

  it('differs per named cluster, and from the unnamed one, for the same workload', () => {
    const prints = [undefined, 'a', 'b', 'a/b'].map((c) => fingerprint(base, web, undefined, c));
    expect(new Set(prints).size).toBe(4);
    for (const fp of prints) expect(fp).toMatch(/^oom-[0-9a-f]{16}$/);
    expect(fingerprint(base, web, undefined, 'a')).toBe(fingerprint(structuredClone(base), { ...web }, undefined, 'a'));
  });

  it('leads the key with the cluster, so no namespace can imitate it', () => {
    expect(JSON.parse(fingerprintKey(base, web, 'prod-eu'))).toEqual(['cluster', 'prod-eu', ...JSON.parse(fingerprintKey(base, web))]);
  });
});
