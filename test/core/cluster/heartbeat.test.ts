import { describe, expect, it } from 'vitest';
import { clusterStatuses, type ClusterHeartbeat } from '../../../src/core/cluster/heartbeat.ts';

const NOW = new Date('2026-11-29T10:00:00Z');
const TTL = 45_000;
const beat = (cluster: string, instance: string, secondsAgo: number, over: Partial<ClusterHeartbeat> = {}): ClusterHeartbeat => ({
  cluster, named: true, instance, version: '0.1.0', startedAt: '2026-11-29T09:00:00Z',
  lastBeat: new Date(NOW.getTime() - secondsAgo * 1000).toISOString(), namespaces: ['demo'], ...over,
});

describe('clusterStatuses', () => {
  it('folds the replicas of a cluster into one live cluster with their versions and namespaces', () => {
    const [a] = clusterStatuses([
      beat('a', 'pod-1', 5, { version: '0.1.0', namespaces: ['demo'] }),
      beat('a', 'pod-2', 1, { version: '0.2.0', namespaces: ['shop', 'demo'], startedAt: '2026-11-29T08:00:00Z' }),
    ], new Map([['a', NOW.toISOString()]]), NOW, TTL);
    expect(a).toEqual({
      name: 'a', named: true, live: true, lastBeat: new Date(NOW.getTime() - 1000).toISOString(), versions: ['0.1.0', '0.2.0'],
      agents: 2, startedAt: '2026-11-29T08:00:00Z', namespaces: ['demo', 'shop'], allNamespaces: false,
    });
  });

  it('counts a heartbeat older than the TTL as gone, and lists a cluster with only gone agents as not live', () => {
    const statuses = clusterStatuses([beat('a', 'pod-1', 46), beat('b', 'pod-1', 45)], new Map([['a', '2026-11-29T09:59:14Z'], ['b', '2026-11-29T09:59:15Z']]), NOW, TTL);
    expect(statuses.map((c) => [c.name, c.live, c.agents])).toEqual([['b', true, 1], ['a', false, 0]]);
    expect(statuses[1]!.lastBeat).toBe('2026-11-29T09:59:14Z');
  });

  it('lists live clusters first, each part by name', () => {
    const statuses = clusterStatuses([beat('zeta', 'x', 1), beat('alpha', 'y', 1)], new Map([['beta', '2026-11-28T10:00:00Z'], ['zeta', NOW.toISOString()], ['alpha', NOW.toISOString()], ['aardvark', '2026-11-28T10:00:00Z']]), NOW, TTL);
    expect(statuses.map((c) => c.name)).toEqual(['alpha', 'zeta', 'aardvark', 'beta']);
  });
});
