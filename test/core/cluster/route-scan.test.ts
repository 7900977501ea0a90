import { describe, expect, it } from 'vitest';
import type { ClusterStatus } from '../../../src/core/cluster/heartbeat.ts';
import { routeScan, type ScanRoute, type ScanTarget } from '../../../src/core/cluster/route-scan.ts';

const cluster = (name: string, namespaces: string[], live = true): ClusterStatus => ({
  name, named: true, live, lastBeat: '2026-11-29T10:00:00Z', versions: live ? ['0.1.0'] : [], agents: live ? 1 : 0, namespaces, allNamespaces: false,
});
const a = cluster('a', ['demo', 'shop']);
const b = cluster('b', ['demo', 'payments']);
const gone = cluster('c', [], false);

describe('routeScan', () => {
  it.each<[string, ScanTarget, ClusterStatus[], ScanRoute]>([
    ['a/demo goes to a', { cluster: 'a', namespace: 'demo' }, [a, b], { ok: true, cluster: { name: 'a', named: true }, namespace: 'demo' }],
    ['a/nowhere still goes to a (the scan says whether it exists)', { cluster: 'a', namespace: 'nowhere' }, [a, b], { ok: true, cluster: { name: 'a', named: true }, namespace: 'nowhere' }],
    ['a plain namespace goes to the only live cluster', { namespace: 'anything' }, [a, gone], { ok: true, cluster: { name: 'a', named: true }, namespace: 'anything' }],
    ['an unambiguous namespace goes to the one cluster that scans it', { namespace: 'payments' }, [a, b], { ok: true, cluster: { name: 'b', named: true }, namespace: 'payments' }],
    ['a namespace in two clusters asks which cluster', { namespace: 'demo' }, [a, b], { ok: false, reason: 'which_cluster', namespace: 'demo', candidates: ['a', 'b'], live: ['a', 'b'] }],
    ['a namespace in no live cluster asks which cluster, listing them', { namespace: 'kube-system' }, [a, b, gone], { ok: false, reason: 'which_cluster', namespace: 'kube-system', candidates: [], live: ['a', 'b'] }],
    ['a cluster whose agents are gone has no live agent', { cluster: 'c', namespace: 'demo' }, [a, gone], { ok: false, reason: 'no_live_agent', cluster: 'c', lastBeat: '2026-11-29T10:00:00Z', live: ['a'] }],
    ['an unknown cluster has no live agent', { cluster: 'nope', namespace: 'demo' }, [a, b], { ok: false, reason: 'no_live_agent', cluster: 'nope', live: ['a', 'b'] }],
    ['nothing live at all', { namespace: 'demo' }, [gone], { ok: false, reason: 'no_cluster', namespace: 'demo' }],
  ])('%s', (_, target, clusters, route) => {
    expect(routeScan(target, clusters)).toEqual(route);
  });

  it('keeps the cluster unnamed when its agent runs without CLUSTER_NAME (its queues keep their plain names)', () => {
    expect(routeScan({ namespace: 'demo' }, [{ ...a, name: 'kind-kind', named: false }])).toEqual({ ok: true, cluster: { name: 'kind-kind', named: false }, namespace: 'demo' });
  });
});
