// The rules that keep the channel quiet, without Redis or Slack.
import { describe, expect, it } from 'vitest';
import { analysisKey, isNewOccurrence, isStillFailing, planTracking, recordOccurrence, shouldResolve } from '../../../src/core/incident/tracking.ts';
import type { Detection, IncidentReport } from '../../../src/core/model.ts';
import { foundIncident, incidentReport } from '../../fixtures/incidents/report.ts';

const hash = (s: string) => `h(${s})`;
const base = incidentReport();
const d = base.detection;
const open = (over: Partial<IncidentReport> = {}) => incidentReport({ contextHash: hash(analysisKey(d)), ...over });
const det = (over: Partial<Detection>): Detection => ({ ...d, ...over });

describe('planTracking', () => {
  it.each<[string, Detection, IncidentReport | undefined, IncidentReport | undefined, string]>([
    ['nothing known → new incident', d, undefined, undefined, 'new'],
    ['same termination as a resolved incident → already covered', d, undefined, open({ status: 'resolved' }), 'already-covered'],
    ['later termination after resolution → new incident', det({ lastTerminatedAt: '2025-03-05T00:00:00Z' }), undefined, open({ status: 'resolved' }), 'new'],
    ['open and unchanged → unchanged', d, open(), undefined, 'unchanged'],
    ['open, 10th scan of the same crash → unchanged (no LLM call)', det({ facts: ['other wording'] }), open(), undefined, 'unchanged'],
    ['open, new crash with same limits → recur without re-analysis', det({ restartCount: 5, lastTerminatedAt: '2025-03-04T09:20:00Z' }), open(), undefined, 'recur:false'],
    ['open, new crash after the limit changed → recur and re-analyze', det({ restartCount: 1, memoryLimit: '256Mi', pod: 'checkout-7c9-abcde', lastTerminatedAt: '2025-03-04T10:00:00Z' }), open(), undefined, 'recur:true'],
    ['open, same crash but kind escalated → re-analyze', det({ kind: 'OOMKilled' }), open(), undefined, 'reanalyze'],
  ])('%s', (_name, detection, openReport, closed, expected) => {
    const plan = planTracking(detection, openReport, closed, hash);
    expect(plan.type === 'recur' ? `recur:${plan.reanalyze}` : plan.type).toBe(expected);
  });
});

describe('isNewOccurrence', () => {
  it.each<[string, Partial<Detection>, boolean]>([
    ['later finishedAt', { lastTerminatedAt: '2025-03-04T09:30:00Z' }, true],
    ['more restarts of the same pod', { restartCount: 9 }, true],
    ['same restarts, same time', {}, false],
    ['a replacement pod with fewer restarts but no newer crash', { pod: 'checkout-other', restartCount: 0 }, false],
    ['earlier finishedAt (stale read)', { lastTerminatedAt: '2025-03-04T08:00:00Z' }, false],
  ])('%s → %s', (_n, over, expected) => {
    expect(isNewOccurrence(d, det(over))).toBe(expected);
  });
});

describe('recordOccurrence', () => {
  it('counts the occurrence, keeps the freshest detection and the latest lastSeen', () => {
    const next = det({ restartCount: 5 });
    const r = recordOccurrence(base, next, '2025-03-04T09:30:00Z');
    expect(r.occurrences).toBe(2);
    expect(r.detection.restartCount).toBe(5);
    expect(r.lastSeen).toBe('2025-03-04T09:30:00Z');
    expect(recordOccurrence(base, next, '2000-01-01T00:00:00Z').lastSeen).toBe(base.lastSeen);
  });
});

describe('shouldResolve', () => {
  const pod = foundIncident().pod;
  const running = { ...pod, containers: pod.containers.map((c) => ({ ...c, ready: true, state: { kind: 'running' as const } })) };
  const at = (iso: string) => new Date(iso);
  it.each<[string, IncidentReport, typeof pod | undefined, Date, boolean]>([
    ['quiet long enough and running again', base, running, at('2025-03-04T10:00:00Z'), true],
    ['quiet long enough and the pod is gone', base, undefined, at('2025-03-04T10:00:00Z'), true],
    ['not quiet long enough', base, running, at('2025-03-04T09:20:00Z'), false],
    ['still in CrashLoopBackOff', base, pod, at('2025-03-04T12:00:00Z'), false],
    ['already resolved', incidentReport({ status: 'resolved' }), running, at('2025-03-05T00:00:00Z'), false],
    ['decided incidents resolve too', incidentReport({ status: 'approved' }), running, at('2025-03-04T10:00:00Z'), true],
  ])('%s → %s', (_n, report, current, now, expected) => {
    expect(shouldResolve(report, current, now, 30)).toBe(expected);
  });

  it('treats an OOM-terminated container as failing and an evicted pod as not', () => {
    const terminated = { ...pod, containers: pod.containers.map((c) => ({ ...c, state: { kind: 'terminated' as const, reason: 'OOMKilled' } })) };
    expect(isStillFailing(terminated, 'app')).toBe(true);
    expect(isStillFailing({ ...terminated, reason: 'Evicted' }, 'app')).toBe(false);
    expect(isStillFailing(running, 'app')).toBe(false);
    expect(isStillFailing(pod, 'other-container')).toBe(false);
  });

  it.each([
    ['ImagePullBackOff', true],
    ['ErrImagePull', true],
    ['CreateContainerConfigError', true],
    ['CreateContainerError', true],
    ['ContainerCreating', false],
  ])('a container waiting in %s is failing: %s', (reason, failing) => {
    const waiting = { ...pod, containers: pod.containers.map((c) => ({ ...c, state: { kind: 'waiting' as const, reason } })) };
    expect(isStillFailing(waiting, 'app')).toBe(failing);
  });

  it('a pod the scheduler cannot place is failing until it is scheduled', () => {
    const pending = { ...pod, containers: [], conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }] };
    expect(isStillFailing(pending, 'app')).toBe(true);
    expect(isStillFailing({ ...pending, conditions: [{ type: 'PodScheduled', status: 'True' }] }, 'app')).toBe(false);
  });
});
