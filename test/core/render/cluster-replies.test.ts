import { describe, expect, it } from 'vitest';
import type { ClusterStatus } from '../../../src/core/cluster/heartbeat.ts';
import { clustersReply, scanRouteRefusal } from '../../../src/core/render/cluster-replies.ts';
import { slackDate } from '../../../src/core/render/escape.ts';

const live = (name: string, over: Partial<ClusterStatus> = {}): ClusterStatus => ({
  name, named: true, live: true, lastBeat: '2026-11-29T10:00:00Z', versions: ['0.1.0'], agents: 1, namespaces: ['demo'], allNamespaces: false, ...over,
});

describe('clustersReply', () => {
  it('says when no agent has reported in', () => {
    expect(clustersReply([])).toMatch(/no cluster is connected/);
  });

  it('lists each cluster with its last heartbeat, version and namespaces, live ones marked', () => {
    const text = clustersReply([
      live('a', { agents: 2, versions: ['0.1.0', '0.2.0'], namespaces: ['demo', 'shop'] }),
      live('b', { allNamespaces: true, namespaces: ['x', 'y', 'z'] }),
      { ...live('c'), live: false, agents: 0, versions: [], namespaces: [] },
    ]);
    const lines = text.split('\n');
    expect(lines[0]).toBe('*Clusters* (2 live of 3):');
    expect(lines[1]).toBe(`• :large_green_circle: *a* — 2 agents, version 0.1.0 / 0.2.0, last heartbeat ${slackDate('2026-11-29T10:00:00Z')}; scans demo, shop`);
    expect(lines[2]).toContain('scans every namespace it may list (3 now)');
    expect(lines[3]).toMatch(/^• :red_circle: \*c\* — no live agent; last heartbeat <!date\^/);
  });

  it('escapes names that reached Redis', () => {
    const text = clustersReply([live('<!channel>', { versions: ['<@U0EVIL>'] })]);
    expect(text).not.toMatch(/<!channel>|<@U0EVIL>/);
  });
});

describe('scanRouteRefusal', () => {
  it('says a cluster has no live agent, when it was last seen, and which clusters are live', () => {
    const text = scanRouteRefusal({ ok: false, reason: 'no_live_agent', cluster: 'a', lastBeat: '2026-11-29T10:00:00Z', live: ['b'] });
    expect(text).toMatch(/^Cluster `a` has no live agent \(last heartbeat <!date\^\d+\^.*\): nothing was scanned\. Live clusters: `b`\.$/);
    expect(scanRouteRefusal({ ok: false, reason: 'no_live_agent', cluster: 'zz', live: [] })).toBe('Cluster `zz` has no live agent (no agent of that name has reported in): nothing was scanned.');
  });

  it('asks which cluster, listing the candidates and showing how to name one', () => {
    expect(scanRouteRefusal({ ok: false, reason: 'which_cluster', namespace: 'demo', candidates: ['a', 'b'], live: ['a', 'b', 'c'] }, '/sre'))
      .toBe('Which cluster? demo is in several clusters: `a`, `b`. Name it, e.g. `/sre scan a/demo`.');
    expect(scanRouteRefusal({ ok: false, reason: 'which_cluster', namespace: 'kube-system', candidates: [], live: ['a', 'b'] }))
      .toBe('Which cluster? No live cluster lists kube-system among the namespaces it scans. Live clusters: `a`, `b`. Name it, e.g. `/sre scan a/kube-system`.');
  });

  it('says when no cluster is live at all', () => {
    expect(scanRouteRefusal({ ok: false, reason: 'no_cluster', namespace: 'demo' })).toBe('No cluster has a live agent: nothing was scanned in demo.');
  });
});
