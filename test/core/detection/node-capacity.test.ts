import { describe, expect, it } from 'vitest';
import { parseNode, parsePod } from '../../../src/core/kube/parse.ts';
import type { ContainerSnapshot, NodeSnapshot, PodSnapshot } from '../../../src/core/model.ts';
import { effectiveRequests, nodeCapacityFacts, withNodeCapacity } from '../../../src/core/detection/node-capacity.ts';
import { unschedulableRule } from '../../../src/core/detection/unschedulable.ts';
import { kubeFixture } from '../../fixtures/kube/load.ts';

const GiB = 1024 ** 3;
const Mi = 1024 ** 2;
const worker = parseNode(kubeFixture('node-memory-pressure')); // 7049000Ki, 1930m allocatable
const bigger: NodeSnapshot = { name: 'ip-10-0-9-7.eu-west-1.compute.internal', conditions: [], allocatableMemory: '15Gi', allocatableCpu: '3920m' };
const pending = parsePod(kubeFixture('pod-unschedulable')); // worker: requests 48Gi, cpu 4

const container = (over: Partial<ContainerSnapshot>): ContainerSnapshot => ({ name: 'c', type: 'app', ready: false, restartCount: 0, state: { kind: 'waiting' }, ...over });
const podWith = (containers: ContainerSnapshot[]): PodSnapshot => ({ ...pending, containers });

describe('effectiveRequests', () => {
  it.each([
    { name: 'app containers add up', cs: [container({ memoryRequest: '1Gi', cpuRequest: '500m' }), container({ name: 'd', memoryRequest: '512Mi', cpuRequest: '250m' })], mem: 1.5 * GiB, cpu: 750 },
    { name: 'a larger init container wins', cs: [container({ memoryRequest: '256Mi' }), container({ name: 'migrate', type: 'init', memoryRequest: '2Gi', cpuRequest: '1' })], mem: 2 * GiB, cpu: 1000 },
    { name: 'sidecars count with the app', cs: [container({ memoryRequest: '1Gi' }), container({ name: 'proxy', type: 'sidecar', memoryRequest: '128Mi', cpuRequest: '100m' })], mem: GiB + 128 * Mi, cpu: 100 },
    { name: 'unset or unreadable requests count as nothing', cs: [container({ memoryRequest: 'lots' }), container({ name: 'x' })], mem: 0, cpu: 0 },
    { name: 'ephemeral debug containers do not count', cs: [container({ memoryRequest: '64Mi' }), container({ name: 'debug', type: 'ephemeral', memoryRequest: '8Gi' })], mem: 64 * Mi, cpu: 0 },
  ])('$name', ({ cs, mem, cpu }) => {
    expect(effectiveRequests(podWith(cs))).toEqual({ memoryBytes: mem, millicores: cpu });
  });
});

describe('nodeCapacityFacts', () => {
  it('says when the pod fits on no node at all, for memory and for CPU', () => {
    expect(nodeCapacityFacts(pending, [worker, bigger])).toEqual([
      'largest node allocatable (of 2): memory 15Gi (ip-10-0-9-7.eu-west-1.compute.internal), cpu 3.92 cores (ip-10-0-9-7.eu-west-1.compute.internal)',
      'pod requests in total: memory 48Gi, cpu 4 cores',
      'the pod requests more memory (48Gi) than any node can allocate (15Gi): it fits nowhere until its requests shrink or a larger node joins',
      'the pod requests more CPU (4 cores) than any node can allocate (3.92 cores): it fits nowhere until its requests shrink or a larger node joins',
    ]);
  });

  it('gives the comparison without a verdict when the pod would fit an empty node', () => {
    const small = podWith([container({ name: 'worker', memoryRequest: '2Gi', cpuRequest: '500m' })]);
    expect(nodeCapacityFacts(small, [worker])).toEqual([
      'largest node allocatable (of 1): memory 6883.8Mi (ip-10-0-5-42.eu-west-1.compute.internal), cpu 1.93 cores (ip-10-0-5-42.eu-west-1.compute.internal)',
      'pod requests in total: memory 2Gi, cpu 500m',
    ]);
  });

  it('calls a pod that needs exactly the largest allocatable one that fits, and a byte more one that does not', () => {
    const fits = nodeCapacityFacts(podWith([container({ name: 'worker', memoryRequest: '7049000Ki', cpuRequest: '1930m' })]), [worker]);
    expect(fits.join('\n')).not.toContain('fits nowhere');
    const over = nodeCapacityFacts(podWith([container({ name: 'worker', memoryRequest: `${7049000 * 1024 + 1}`, cpuRequest: '1931m' })]), [worker]);
    expect(over.filter((f) => f.includes('fits nowhere'))).toHaveLength(2);
  });

  it('says nothing when no node tells its allocatable', () => {
    expect(nodeCapacityFacts(pending, [{ name: 'n', conditions: [] }])).toEqual([]);
    expect(nodeCapacityFacts(pending, [])).toEqual([]);
  });
});

describe('withNodeCapacity', () => {
  it('adds the facts to an Unschedulable detection after the scheduler reasons, and leaves other kinds alone', () => {
    const [d] = unschedulableRule.detect(pending, { events: [] });
    const added = withNodeCapacity(d!, pending, [worker]);
    expect(added.facts.slice(0, d!.facts.length)).toEqual(d!.facts);
    expect(added.facts.slice(d!.facts.length)[0]).toMatch(/^largest node allocatable \(of 1\)/);
    const other = { ...d!, kind: 'CrashLoop' as const };
    expect(withNodeCapacity(other, pending, [worker])).toBe(other);
  });
});
