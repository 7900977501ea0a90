import { describe, expect, it } from 'vitest';
import { evictedMemoryRule, isMemoryEviction, memoryUsageInMessage } from '../../../src/core/detection/evicted-memory.ts';
import { parsePod } from '../../../src/core/kube/parse.ts';
import { kubeFixture } from '../../fixtures/kube/load.ts';

describe('evicted-memory rule', () => {
  it('finds a pod evicted because the node ran low on memory, naming the heavy container', () => {
    const [d, ...rest] = evictedMemoryRule.detect(parsePod(kubeFixture('pod-evicted-memory')));
    expect(rest).toEqual([]);
    expect(d).toMatchObject({
      kind: 'EvictedMemory',
      namespace: 'shop',
      pod: 'cache-6f8d9c7b45-tn2qs',
      container: 'cache',
      containerType: 'app',
      reason: 'Evicted',
      exitCode: 137,
      restartCount: 0,
      nodeName: 'ip-10-0-5-42.eu-west-1.compute.internal',
      owner: { kind: 'ReplicaSet', name: 'cache-6f8d9c7b45' },
    });
    expect(d?.memoryLimit).toBeUndefined();
    expect(d?.facts.slice(0, 3)).toEqual([
      'status.reason=Evicted status.phase=Failed',
      'status.message: The node was low on resource: memory. Threshold quantity: 100Mi, available: 51200Ki. Container cache was using 1843200Ki, request is 0, has larger consumption of memory.',
      'evicted for memory: container cache was using 1843200Ki, request is 0',
    ]);
    expect(d?.facts).toContain('containers[cache].resources: requests.memory=unset limits.memory=unset');
  });

  it('finds nothing in a pod evicted for disk', () => {
    expect(evictedMemoryRule.detect(parsePod(kubeFixture('pod-evicted-disk')))).toEqual([]);
  });

  it.each([
    ['The node was low on resource: memory. Threshold quantity: 100Mi, available: 50Mi. Container app was using 300Mi, request is 0, has larger consumption of its memory request.', true],
    ['The node had condition: [MemoryPressure]. ', true],
    ['The node had condition: [DiskPressure, MemoryPressure]. ', true],
    ['The node was low on resource: ephemeral-storage. Threshold quantity: 2Gi, available: 1Gi. ', false],
    ['Pod ephemeral local storage usage exceeds the total limit of containers 1Gi. ', false],
    ['Usage of EmptyDir volume "cache" exceeds the limit "512Mi". ', false],
    ['The node had condition: [DiskPressure]. ', false],
    ['The node was low on resource: pids. ', false],
  ])('message %j is a memory eviction: %s', (message, expected) => {
    expect(isMemoryEviction({ reason: 'Evicted', message })).toBe(expected);
  });

  it('needs status.reason Evicted', () => {
    expect(isMemoryEviction({ reason: 'OutOfmemory', message: 'The node was low on resource: memory.' })).toBe(false);
  });

  it.each([
    [
      'picks the first named container that exists in the pod',
      'The node was low on resource: memory. Threshold quantity: 100Mi, available: 50Mi. Container ghost was using 1Gi, request is 0, has larger consumption of memory. Container worker was using 300Mi, request is 64Mi, has larger consumption of memory. ',
      'worker',
    ],
    ['falls back to the first app container when none is named', 'The node had condition: [MemoryPressure]. ', 'main'],
  ])('%s', (_what, message, container) => {
    const pod = parsePod({
      kind: 'Pod',
      metadata: { name: 'w-1', namespace: 'ns' },
      spec: { initContainers: [{ name: 'setup' }], containers: [{ name: 'main' }, { name: 'worker', resources: { requests: { memory: '64Mi' } } }] },
      status: { phase: 'Failed', reason: 'Evicted', message },
    });
    expect(evictedMemoryRule.detect(pod).map((d) => d.container)).toEqual([container]);
  });

  it('reads every memory usage the kubelet lists', () => {
    expect(
      memoryUsageInMessage('Container a was using 1Gi, request is 0, has larger consumption of memory. Container b was using 8Gi, request is 0, has larger consumption of ephemeral-storage. Container c was using 2Gi, request is 1Gi, has larger consumption of its memory request.'),
    ).toEqual([
      { container: 'a', using: '1Gi', request: '0' },
      { container: 'c', using: '2Gi', request: '1Gi' },
    ]);
  });
});
