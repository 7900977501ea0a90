import { describe, expect, it } from 'vitest';
import type { ClusterStatus } from '../../src/core/cluster/heartbeat.ts';
import { AppError } from '../../src/core/errors.ts';
import { silentLogger } from '../../src/logging.ts';
import type { ClusterDirectory } from '../../src/ports.ts';
import { findScanRoute } from '../../src/usecases/find-scan-route.ts';

const clock = { now: () => new Date('2026-11-29T10:00:00Z') };
const status = (name: string, namespaces: string[], live = true): ClusterStatus => ({
  name, named: true, live, lastBeat: '2026-11-29T09:59:50Z', versions: ['0.1.0'], agents: live ? 1 : 0, namespaces, allNamespaces: false,
});
const directory = (list: () => Promise<ClusterStatus[]>): ClusterDirectory => ({ beat: async () => {}, leave: async () => {}, list });
const B = { name: 'b', named: true };

describe('findScanRoute', () => {
  it('counts the answering agent\'s own cluster as live before its first heartbeat is read', async () => {
    const route = await findScanRoute({ clusters: directory(async () => [status('a', ['demo'])]), self: B, clock, logger: silentLogger }, { cluster: 'b', namespace: 'demo' });
    expect(route).toEqual({ ok: true, cluster: B, namespace: 'demo' });
  });

  it('asks which cluster for a namespace in both when its own heartbeat is not in yet', async () => {
    const route = await findScanRoute({ clusters: directory(async () => [status('a', ['demo']), status('b', [], false)]), self: B, clock, logger: silentLogger }, { namespace: 'shop' });
    expect(route).toMatchObject({ ok: false, reason: 'which_cluster', live: ['a', 'b'] });
  });

  it('scans its own cluster when the heartbeats cannot be read, but not another one', async () => {
    const down = directory(async () => { throw new AppError('store_unavailable', 'redis down'); });
    expect(await findScanRoute({ clusters: down, self: B, clock, logger: silentLogger }, { namespace: 'demo' })).toEqual({ ok: true, cluster: B, namespace: 'demo' });
    expect(await findScanRoute({ clusters: down, self: B, clock, logger: silentLogger }, { cluster: 'b', namespace: 'demo' })).toEqual({ ok: true, cluster: B, namespace: 'demo' });
    await expect(findScanRoute({ clusters: down, self: B, clock, logger: silentLogger }, { cluster: 'a', namespace: 'demo' })).rejects.toMatchObject({ code: 'store_unavailable' });
  });

  it('without heartbeats (an agent alone) scans its own cluster and refuses any other', async () => {
    expect(await findScanRoute({ self: B, clock, logger: silentLogger }, { namespace: 'demo' })).toEqual({ ok: true, cluster: B, namespace: 'demo' });
    expect(await findScanRoute({ self: B, clock, logger: silentLogger }, { cluster: 'a', namespace: 'demo' })).toEqual({ ok: false, reason: 'no_live_agent', cluster: 'a', live: ['b'] });
  });
});
