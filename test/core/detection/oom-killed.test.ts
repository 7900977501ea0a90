import { describe, expect, it } from 'vitest';
import { oomKilledRule } from '../../../src/core/detection/oom-killed.ts';
import { parsePod } from '../../../src/core/kube/parse.ts';
import { kubeFixture } from '../../fixtures/kube/load.ts';

const detect = (fixture: string) => oomKilledRule.detect(parsePod(kubeFixture(fixture)));

describe('oom-killed rule', () => {
  it.each([
    {
      fixture: 'pod-oom-crashloop-64mi',
      expected: { container: 'app', containerType: 'app', restartCount: 5, memoryRequest: '32Mi', memoryLimit: '64Mi', lastTerminatedAt: '2024-05-14T08:21:09.000Z' },
      firstFact: 'containerStatuses[app].lastState.terminated: reason=OOMKilled exitCode=137 startedAt=2024-05-14T08:21:02.000Z finishedAt=2024-05-14T08:21:09.000Z',
    },
    {
      fixture: 'pod-oom-sidecar',
      expected: { container: 'log-shipper', containerType: 'sidecar', restartCount: 1, memoryLimit: '32Mi', lastTerminatedAt: '2024-05-14T09:12:41.000Z' },
      firstFact: 'initContainerStatuses[log-shipper].lastState.terminated: reason=OOMKilled exitCode=137 startedAt=2024-05-14T08:00:02.000Z finishedAt=2024-05-14T09:12:41.000Z',
    },
    {
      fixture: 'pod-oom-init',
      expected: { container: 'fetch-data', containerType: 'init', restartCount: 0, memoryLimit: '128Mi', lastTerminatedAt: '2024-05-14T00:00:41.000Z' },
      firstFact: 'initContainerStatuses[fetch-data].state.terminated: reason=OOMKilled exitCode=137 startedAt=2024-05-14T00:00:03.000Z finishedAt=2024-05-14T00:00:41.000Z',
    },
    {
      fixture: 'pod-oom-recovered-running',
      expected: { container: 'api', containerType: 'app', restartCount: 1, memoryLimit: '256Mi', lastTerminatedAt: '2024-05-14T10:02:15.000Z' },
      firstFact: 'containerStatuses[api].lastState.terminated: reason=OOMKilled exitCode=137 startedAt=2024-05-14T08:00:03.000Z finishedAt=2024-05-14T10:02:15.000Z',
    },
  ])('finds the OOM in $fixture', ({ fixture, expected, firstFact }) => {
    const [d, ...rest] = detect(fixture);
    expect(rest).toEqual([]);
    expect(d).toMatchObject({ kind: 'OOMKilled', reason: 'OOMKilled', exitCode: 137, ...expected });
    expect(d?.facts[0]).toBe(firstFact);
  });

  it('fills facts with status, restarts, resources, owner and node', () => {
    const [d] = detect('pod-oom-crashloop-64mi');
    expect(d?.owner).toEqual({ kind: 'ReplicaSet', name: 'web-7d4b9c8f6', uid: '0b7f6a38-1f4e-4c55-9d2a-6a9d3f0e5c21', controller: true });
    expect(d?.nodeName).toBe('ip-10-0-3-17.eu-west-1.compute.internal');
    expect(d?.facts).toEqual([
      'containerStatuses[app].lastState.terminated: reason=OOMKilled exitCode=137 startedAt=2024-05-14T08:21:02.000Z finishedAt=2024-05-14T08:21:09.000Z',
      'containerStatuses[app].state.waiting: reason=CrashLoopBackOff',
      'containerStatuses[app].restartCount=5',
      'containers[app].resources: requests.memory=32Mi limits.memory=64Mi',
      'metadata.ownerReferences[controller]: ReplicaSet/web-7d4b9c8f6',
      'spec.nodeName=ip-10-0-3-17.eu-west-1.compute.internal',
      'status.qosClass=Burstable',
    ]);
  });

  it.each(['pod-probe-kill-137', 'pod-exit1-crashloop', 'pod-imagepullbackoff', 'pod-create-config-error', 'pod-evicted-memory', 'pod-evicted-disk'])(
    'finds nothing in %s',
    (fixture) => {
      expect(detect(fixture)).toEqual([]);
    },
  );

  it('does not take exit code 137 alone for an OOM kill', () => {
    const pod = parsePod({
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'ns' },
      spec: { containers: [{ name: 'app' }] },
      status: { containerStatuses: [{ name: 'app', restartCount: 1, state: { terminated: { exitCode: 137, reason: 'Error' } } }] },
    });
    expect(oomKilledRule.detect(pod)).toEqual([]);
  });
});
