import { describe, expect, it } from 'vitest';
import type { IncidentReport, SimilarIncident } from '../../../src/core/model.ts';
import { decisionText, incidentOneLiner, incidentSummaryText, isoDay, similarLine, workloadKey } from '../../../src/core/similar/summary.ts';
import { vectorMeta } from '../../../src/core/similar/vector-meta.ts';
import { foundIncident, incidentReport } from '../../fixtures/incidents/report.ts';

describe('incidentSummaryText', () => {
  it('holds kind, workload, container, limit, reason, facts and root cause of a report', () => {
    expect(incidentSummaryText(incidentReport())).toBe([
      'OOMCrashLoop: Deployment checkout in demo, container app (app)',
      'memory limit 128Mi, request 64Mi',
      'reason: OOMKilled',
      'facts: lastState.terminated.reason=OOMKilled exitCode=137; state.waiting.reason=CrashLoopBackOff; restartCount=4',
      'root cause: Heap grows past the 128Mi limit while warming the product cache',
    ].join('\n'));
  });

  it('has no root cause for a found incident, which has not been diagnosed yet', () => {
    const text = incidentSummaryText(foundIncident());
    expect(text).toContain('OOMCrashLoop: Deployment checkout in demo, container app (app)');
    expect(text).not.toContain('root cause');
  });

  it('leaves timestamps out, so recurrences of one incident embed alike', () => {
    const r = incidentReport();
    const text = incidentSummaryText({
      ...r,
      detection: { ...r.detection, facts: ['containerStatuses[app].lastState.terminated: reason=OOMKilled exitCode=137 startedAt=2024-05-14T08:21:02.000Z finishedAt=2024-05-14T08:21:09+02:00'] },
    });
    expect(text).toContain('facts: containerStatuses[app].lastState.terminated: reason=OOMKilled exitCode=137\n');
  });

  it('stays short whatever the input', () => {
    const r = incidentReport();
    const long = 'x'.repeat(10_000);
    const text = incidentSummaryText({
      ...r,
      workload: { kind: 'Deployment', name: long },
      detection: { ...r.detection, reason: long, facts: Array.from({ length: 50 }, () => long) },
      diagnosis: { ...r.diagnosis, rootCauses: [long, long, long] },
    });
    expect(text.length).toBeLessThan(3000);
  });

  it('says when there is no limit', () => {
    const r = incidentReport();
    const noLimit = { ...r, detection: { ...r.detection, memoryLimit: undefined, memoryRequest: undefined } };
    expect(incidentSummaryText(noLimit)).toContain('memory limit none, request none');
    expect(incidentOneLiner(noLimit)).toBe('OOMCrashLoop of container app with no memory limit: Heap grows past the 128Mi limit while warming the product cache');
  });
});

describe('decisionText', () => {
  const base = incidentReport();
  it.each<[string, Partial<IncidentReport>, string | undefined]>([
    ['no decision', {}, undefined],
    ['approval of the clamped limit', {
      status: 'approved', verdict: { ...base.verdict, recommendedLimit: '512Mi' },
      decision: { action: 'approve', userId: 'U0SREALICE', at: '2026-11-02T10:15:00Z' },
    }, 'approved 512Mi on 2026-11-02'],
    ['approval without a policy limit', {
      status: 'approved', verdict: { ...base.verdict, recommendedLimit: undefined },
      decision: { action: 'approve', userId: 'U0SREALICE', at: '2026-11-02T23:59:59Z' },
    }, 'approved 256Mi on 2026-11-02'],
    ['rejection with a reason', {
      status: 'rejected', decision: { action: 'reject', userId: 'U0SREBOB', at: '2026-11-03T08:00:00Z', reason: '  fixing the\ncache in code ' },
    }, 'rejected on 2026-11-03: fixing the cache in code'],
    ['rejection without a reason', {
      status: 'rejected', decision: { action: 'reject', userId: 'U0SREBOB', at: '2026-11-03T08:00:00Z' },
    }, 'rejected on 2026-11-03'],
  ])('%s', (_name, patch, expected) => {
    expect(decisionText({ ...base, ...patch })).toBe(expected);
  });
});

describe('similarLine', () => {
  const s: SimilarIncident = {
    id: 'inc-1', summary: 'OOMCrashLoop of container app at limit 128Mi', workload: 'demo/Deployment/checkout',
    lastSeen: '2026-11-02T10:00:00Z', score: 0.9312, decision: 'approved 512Mi on 2026-11-02', recommendedLimit: '512Mi',
  };
  it.each<[string, SimilarIncident, string]>([
    ['decided', s, '2026-11-02 demo/Deployment/checkout: OOMCrashLoop of container app at limit 128Mi; decision: approved 512Mi on 2026-11-02; recommended limit 512Mi; similarity 0.93'],
    ['undecided', { ...s, decision: undefined, recommendedLimit: undefined }, '2026-11-02 demo/Deployment/checkout: OOMCrashLoop of container app at limit 128Mi; no decision recorded; similarity 0.93'],
  ])('%s', (_name, input, expected) => {
    expect(similarLine(input)).toBe(expected);
  });
});

describe('keys and metadata', () => {
  it('keys a workload by namespace, kind and name, the same for a report and a found incident', () => {
    expect(workloadKey(incidentReport())).toBe('demo/Deployment/checkout');
    expect(workloadKey(foundIncident())).toBe('demo/Deployment/checkout');
  });

  it('keeps what is shown beside a vector', () => {
    expect(vectorMeta(incidentReport())).toEqual({
      id: 'inc-7f3a9c2e',
      fingerprint: 'demo/Deployment/checkout/app/OOMKilled',
      workload: 'demo/Deployment/checkout',
      summary: 'OOMCrashLoop of container app at limit 128Mi: Heap grows past the 128Mi limit while warming the product cache',
      lastSeen: '2025-03-04T09:12:41Z',
    });
  });

  it.each([['2026-11-02T23:59:59.999Z', '2026-11-02'], ['2026-11-02T01:00:00+02:00', '2026-11-01'], ['not a date', 'not a date']])('isoDay(%s)', (iso, day) => {
    expect(isoDay(iso)).toBe(day);
  });
});
