import { describe, expect, it } from 'vitest';
import { detectIncidents } from '../../../src/core/detection/registry.ts';
import { evictionsByNode, foldNodeEvictions } from '../../../src/core/detection/node-pressure.ts';
import { fingerprint } from '../../../src/core/detection/fingerprint.ts';
import { parseNode, parsePod } from '../../../src/core/kube/parse.ts';
import { DetectionSchema, type NodeSnapshot, type PodSnapshot } from '../../../src/core/model.ts';
import { kubeFixture } from '../../fixtures/kube/load.ts';

const NODE = 'ip-10-0-5-42.eu-west-1.compute.internal';
const node = parseNode(kubeFixture('node-memory-pressure'));

/** The real memory eviction, as several pods of different workloads on the same node. */
function evicted(name: string, owner: string, nodeName = NODE): PodSnapshot {
  const raw = kubeFixture('pod-evicted-memory');
  const meta = raw.metadata as Record<string, unknown>;
  meta.name = name;
  meta.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: owner, uid: `uid-${owner}`, controller: true }];
  (raw.spec as Record<string, unknown>).nodeName = nodeName;
  return parsePod(raw);
}

const three = [evicted('cache-6f8d9c7b45-aaaaa', 'cache-6f8d9c7b45'), evicted('web-7d4b9c8f6-bbbbb', 'web-7d4b9c8f6'), evicted('api-5d59d67564-ccccc', 'api-5d59d67564')];

describe('node pressure', () => {
  it('folds three evictions from one node into one NodePressure detection with the node conditions', () => {
    const groups = evictionsByNode(three);
    expect([...groups.keys()]).toEqual([NODE]);
    const out = foldNodeEvictions(detectIncidents(three), groups, new Map([[NODE, node]]));
    expect(out.map((d) => d.kind)).toEqual(['NodePressure']);
    const [d] = out;
    expect(DetectionSchema.parse(d)).toEqual(d);
    expect(d).toMatchObject({ kind: 'NodePressure', nodeName: NODE, reason: 'MemoryPressure', container: '', pod: 'api-5d59d67564-ccccc' });
    expect(d!.facts).toEqual(expect.arrayContaining([
      `3 pods evicted from node ${NODE}`,
      `node ${NODE} condition MemoryPressure=True (KubeletHasInsufficientMemory)`,
      `node allocatable memory 7049000Ki of ${node.capacityMemory}`,
      expect.stringMatching(/^evicted web-7d4b9c8f6-bbbbb: The node was low on resource: memory/),
    ]));
  });

  it('names the pressure from the eviction messages when the node cannot be read', () => {
    const out = foldNodeEvictions(detectIncidents(three), evictionsByNode(three), new Map<string, NodeSnapshot | undefined>([[NODE, undefined]]));
    expect(out[0]).toMatchObject({ kind: 'NodePressure', reason: 'MemoryPressure' });
  });

  it('keeps a single eviction as EvictedMemory, and evictions from different nodes apart', () => {
    const one = [evicted('cache-6f8d9c7b45-aaaaa', 'cache-6f8d9c7b45')];
    expect(foldNodeEvictions(detectIncidents(one), evictionsByNode(one), new Map()).map((d) => d.kind)).toEqual(['EvictedMemory']);
    const spread = [evicted('a-1', 'a', 'node-a'), evicted('b-1', 'b', 'node-b')];
    expect(evictionsByNode(spread).size).toBe(0);
  });

  it('keeps every other detection of the scan', () => {
    const crash = parsePod(kubeFixture('pod-exit1-crashloop'));
    const pods = [...three, crash];
    const out = foldNodeEvictions(detectIncidents(pods), evictionsByNode(pods), new Map([[NODE, node]]));
    expect(out.map((d) => d.kind).sort()).toEqual(['CrashLoop', 'NodePressure']);
  });

  it('gives a node one fingerprint whatever namespace saw its evictions', () => {
    const [d] = foldNodeEvictions(detectIncidents(three), evictionsByNode(three), new Map([[NODE, node]]));
    const workload = { kind: 'Node', name: NODE };
    expect(fingerprint({ ...d!, namespace: 'shop' }, workload)).toBe(fingerprint({ ...d!, namespace: 'batch', pod: 'other' }, workload));
    expect(fingerprint(d!, workload)).toMatch(/^node-[0-9a-f]{16}$/);
  });
});
