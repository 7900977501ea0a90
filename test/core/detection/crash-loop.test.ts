import { describe, expect, it } from 'vitest';
import { crashLoopRule, createCrashLoopRule } from '../../../src/core/detection/crash-loop.ts';
import { parsePod } from '../../../src/core/kube/parse.ts';
import { DetectionSchema, type PodSnapshot } from '../../../src/core/model.ts';
import { kubeFixture } from '../../fixtures/kube/load.ts';

const pod = (name: string): PodSnapshot => parsePod(kubeFixture(name));

/** The exit-1 crash loop fixture with its last termination and state replaced. */
function crashing(exitCode: number, opts: { reason?: string; restarts?: number; waiting?: string; message?: string } = {}): PodSnapshot {
  const raw = kubeFixture('pod-exit1-crashloop');
  const status = (raw.status as { containerStatuses: Array<Record<string, unknown>> }).containerStatuses[0]!;
  status.lastState = {
    terminated: {
      exitCode,
      reason: opts.reason ?? 'Error',
      ...(opts.message ? { message: opts.message } : {}),
      startedAt: '2024-05-14T08:40:00Z',
      finishedAt: '2024-05-14T08:40:01Z',
    },
  };
  status.restartCount = opts.restarts ?? 7;
  status.state = opts.waiting === undefined ? { running: { startedAt: '2024-05-14T08:41:00Z' } } : { waiting: { reason: opts.waiting } };
  return parsePod(raw);
}

describe('crashLoopRule', () => {
  it('finds the exit-1 crash loop with what its exit code means', () => {
    const [d] = crashLoopRule.detect(pod('pod-exit1-crashloop'));
    expect(DetectionSchema.parse(d)).toEqual(d);
    expect(d).toMatchObject({ kind: 'CrashLoop', container: 'app', reason: 'Error', exitCode: 1, restartCount: 7, lastTerminatedAt: '2024-05-14T08:40:01.000Z' });
    expect(d!.facts.slice(0, 2)).toEqual([
      'containerStatuses[app].lastState.terminated: reason=Error exitCode=1 startedAt=2024-05-14T08:40:00.000Z finishedAt=2024-05-14T08:40:01.000Z',
      'exit code 1: application error',
    ]);
  });

  it.each([
    { name: 'Go panic (2)', code: 2, fact: 'exit code 2: Go runtime error or shell misuse' },
    { name: 'command not found (127)', code: 127, fact: 'exit code 127: command not found' },
    { name: 'segfault (139)', code: 139, fact: 'exit code 139: segmentation fault (SIGSEGV)' },
    { name: 'abort (134)', code: 134, fact: 'exit code 134: aborted (SIGABRT)' },
    { name: 'SIGKILL without OOMKilled (137)', code: 137, fact: 'exit code 137: killed (SIGKILL)' },
    { name: 'SIGTERM (143)', code: 143, fact: 'exit code 143: terminated (SIGTERM)' },
    { name: 'clean exit of a long-running container (0)', code: 0, fact: 'exit code 0: exited normally', reason: 'Completed' },
  ])('reads $name', ({ code, fact, reason }) => {
    const [d] = crashLoopRule.detect(crashing(code, { reason: reason ?? 'Error', waiting: 'CrashLoopBackOff' }));
    expect(d?.kind).toBe('CrashLoop');
    expect(d?.exitCode).toBe(code);
    expect(d?.facts).toContain(fact);
  });

  it('keeps the termination message the process wrote', () => {
    const [d] = crashLoopRule.detect(crashing(1, { waiting: 'CrashLoopBackOff', message: 'panic: config file /etc/app/config.yaml not found' }));
    expect(d?.facts).toContain('termination message: panic: config file /etc/app/config.yaml not found');
  });

  it.each([
    { name: 'an OOM kill (the OOM rules own it)', p: crashing(137, { reason: 'OOMKilled', waiting: 'CrashLoopBackOff' }) },
    { name: 'one restart, running again', p: crashing(1, { restarts: 1 }) },
    { name: 'a pod that never crashed', p: pod('pod-imagepullbackoff') },
  ])('ignores $name', ({ p }) => {
    expect(crashLoopRule.detect(p)).toEqual([]);
  });

  it('counts restarts against its threshold when not backing off', () => {
    expect(createCrashLoopRule(3).detect(crashing(1, { restarts: 3 }))).toHaveLength(1);
    expect(createCrashLoopRule(3).detect(crashing(1, { restarts: 2 }))).toEqual([]);
    expect(createCrashLoopRule(3).detect(crashing(1, { restarts: 0, waiting: 'CrashLoopBackOff' }))).toHaveLength(1);
  });
});
