import { describe, expect, it } from 'vitest';
import { jobBackoffCandidate, jobBackoffRule } from '../../../src/core/detection/job-backoff.ts';
import { DETECTION_RULES, detectIncidents, needsEvents } from '../../../src/core/detection/registry.ts';
import { parsePod } from '../../../src/core/kube/parse.ts';
import { DetectionSchema, type EventSnapshot, type PodSnapshot } from '../../../src/core/model.ts';
import { kubeFixture } from '../../fixtures/kube/load.ts';

const JOB = 'nightly-report-28971540';

/** A pod of a Job as the kubelet leaves it after its last attempt failed (restartPolicy Never). */
function failedJobPod(exitCode = 2, message?: string): PodSnapshot {
  const raw = kubeFixture('pod-exit1-crashloop');
  const meta = raw.metadata as Record<string, unknown>;
  meta.name = `${JOB}-x7k2q`;
  meta.ownerReferences = [{ apiVersion: 'batch/v1', kind: 'Job', name: JOB, uid: '5b1f0c2e-9a7d-4c3b-8e6f-1a2b3c4d5e6f', controller: true, blockOwnerDeletion: true }];
  (raw.spec as Record<string, unknown>).restartPolicy = 'Never';
  const status = raw.status as { phase: string; containerStatuses: Array<Record<string, unknown>> };
  status.phase = 'Failed';
  status.containerStatuses[0]!.restartCount = 0;
  status.containerStatuses[0]!.state = {
    terminated: { exitCode, reason: 'Error', ...(message ? { message } : {}), startedAt: '2026-11-28T02:00:04Z', finishedAt: '2026-11-28T02:00:19Z' },
  };
  status.containerStatuses[0]!.lastState = {};
  return parsePod(raw);
}

const gaveUp: EventSnapshot = {
  namespace: 'shop',
  involvedKind: 'Job',
  involvedName: JOB,
  type: 'Warning',
  reason: 'BackoffLimitExceeded',
  message: 'Job has reached the specified backoff limit',
  count: 1,
  lastTimestamp: '2026-11-28T02:00:21Z',
  source: 'job-controller',
};

describe('jobBackoffRule', () => {
  it('finds the Job that gave up, with the event and the last attempt\'s exit code as facts', () => {
    const pod = failedJobPod(2, 'panic: report template missing');
    const [d] = detectIncidents([pod], DETECTION_RULES, [gaveUp]);
    expect(DetectionSchema.parse(d)).toEqual(d);
    expect(d).toMatchObject({ kind: 'JobBackoffLimit', container: 'app', reason: 'BackoffLimitExceeded', exitCode: 2, owner: { kind: 'Job', name: JOB } });
    expect(d!.facts.slice(0, 4)).toEqual([
      `job ${JOB}: Job has reached the specified backoff limit`,
      'containerStatuses[app].state.terminated: reason=Error exitCode=2 startedAt=2026-11-28T02:00:04.000Z finishedAt=2026-11-28T02:00:19.000Z',
      'exit code 2: Go runtime error or shell misuse',
      'termination message: panic: report template missing',
    ]);
  });

  it.each([
    { name: 'no BackoffLimitExceeded event (the Job may still retry)', pod: failedJobPod(), events: [] },
    { name: 'the event of another Job', pod: failedJobPod(), events: [{ ...gaveUp, involvedName: 'other-job' }] },
    { name: 'other events of the same Job (it may still retry)', pod: failedJobPod(), events: [{ ...gaveUp, type: 'Normal', reason: 'SuccessfulCreate', message: `Created pod: ${JOB}-p9w4z` }] },
    { name: 'a pod that is not a Job\'s', pod: parsePod(kubeFixture('pod-exit1-crashloop')), events: [gaveUp] },
  ])('finds nothing for $name', ({ pod, events }) => {
    expect(detectIncidents([pod], [jobBackoffRule], events)).toEqual([]);
  });

  it('lists events only for failed pods of Jobs among the pods it does not otherwise need them for', () => {
    expect(jobBackoffCandidate(failedJobPod())).toBe(true);
    expect(needsEvents([failedJobPod()])).toBe(true);
    expect(needsEvents([parsePod(kubeFixture('pod-exit1-crashloop'))])).toBe(false);
  });
});
