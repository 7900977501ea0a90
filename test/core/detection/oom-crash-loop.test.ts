import { describe, expect, it } from 'vitest';
import { createOomCrashLoopRule, oomCrashLoopRule } from '../../../src/core/detection/oom-crash-loop.ts';
import { parsePod } from '../../../src/core/kube/parse.ts';
import { kubeFixture } from '../../fixtures/kube/load.ts';

const detect = (fixture: string) => oomCrashLoopRule.detect(parsePod(kubeFixture(fixture)));

function podWith(status: Record<string, unknown>) {
  return parsePod({
    kind: 'Pod',
    metadata: { name: 'web-7d4b9c8f6-x2x9k', namespace: 'shop' },
    spec: { containers: [{ name: 'app', resources: { limits: { memory: '64Mi' } } }] },
    status: { phase: 'Running', containerStatuses: [{ name: 'app', ready: false, ...status }] },
  });
}
const oom = { terminated: { exitCode: 137, reason: 'OOMKilled', finishedAt: '2024-05-14T08:21:09Z' } };
const backoff = { waiting: { reason: 'CrashLoopBackOff' } };

describe('oom-crash-loop rule', () => {
  it('finds the 64Mi Deployment pod in CrashLoopBackOff after OOM kills', () => {
    const [d, ...rest] = detect('pod-oom-crashloop-64mi');
    expect(rest).toEqual([]);
    expect(d).toMatchObject({
      kind: 'OOMCrashLoop',
      namespace: 'shop',
      pod: 'web-7d4b9c8f6-x2x9k',
      container: 'app',
      containerType: 'app',
      reason: 'OOMKilled',
      exitCode: 137,
      restartCount: 5,
      memoryRequest: '32Mi',
      memoryLimit: '64Mi',
      lastTerminatedAt: '2024-05-14T08:21:09.000Z',
      owner: { kind: 'ReplicaSet', name: 'web-7d4b9c8f6' },
    });
    expect(d?.facts).toContain('containerStatuses[app].state.waiting: reason=CrashLoopBackOff');
  });

  it.each([
    ['CrashLoopBackOff after one OOM kill', { restartCount: 1, state: backoff, lastState: oom }, true],
    ['terminated by OOM right now, 3 restarts', { restartCount: 3, state: oom, lastState: {} }, true],
    ['running again after 4 OOM restarts', { restartCount: 4, state: { running: {} }, lastState: oom }, true],
    ['one OOM kill, running again', { restartCount: 1, state: { running: {} }, lastState: oom }, false],
    ['CrashLoopBackOff after exit 1', { restartCount: 7, state: backoff, lastState: { terminated: { exitCode: 1, reason: 'Error' } } }, false],
    ['CrashLoopBackOff after a probe SIGKILL (137, Error)', { restartCount: 4, state: backoff, lastState: { terminated: { exitCode: 137, reason: 'Error' } } }, false],
    ['CrashLoopBackOff after a preStop kill (137, no reason)', { restartCount: 3, state: backoff, lastState: { terminated: { exitCode: 137 } } }, false],
    ['currently terminated by Error though the one before was OOM', { restartCount: 5, state: { terminated: { exitCode: 1, reason: 'Error' } }, lastState: oom }, false],
    ['ImagePullBackOff', { restartCount: 0, state: { waiting: { reason: 'ImagePullBackOff' } }, lastState: {} }, false],
    ['CreateContainerConfigError', { restartCount: 0, state: { waiting: { reason: 'CreateContainerConfigError' } }, lastState: {} }, false],
  ])('%s → %s', (_what, status, expected) => {
    expect(oomCrashLoopRule.detect(podWith(status)).length > 0).toBe(expected);
  });

  it.each(['pod-probe-kill-137', 'pod-exit1-crashloop', 'pod-imagepullbackoff', 'pod-create-config-error', 'pod-oom-recovered-running', 'pod-oom-sidecar', 'pod-oom-init', 'pod-evicted-memory'])(
    'finds nothing in %s',
    (fixture) => {
      expect(detect(fixture)).toEqual([]);
    },
  );

  it('takes its restart threshold as a parameter', () => {
    const pod = podWith({ restartCount: 2, state: { running: {} }, lastState: oom });
    expect(createOomCrashLoopRule(3).detect(pod)).toEqual([]);
    expect(createOomCrashLoopRule(2).detect(pod)).toHaveLength(1);
  });
});
