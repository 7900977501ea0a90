import { describe, expect, it } from 'vitest';
import { describeDecision, transition, type IncidentEvent } from '../../../src/core/incident/state.ts';
import type { Decision, IncidentReport, IncidentStatus } from '../../../src/core/model.ts';
import { IncidentReportSchema } from '../../../src/core/model.ts';
import { incidentReport } from '../../fixtures/incidents/report.ts';

const approve: Decision = { action: 'approve', userId: 'U0SREALICE', userName: 'alice', at: '2025-03-04T09:20:00Z' };
const reject: Decision = { action: 'reject', userId: 'U0SREBOB', at: '2025-03-04T09:21:00Z', reason: 'fix the cache' };

function inStatus(status: IncidentStatus): IncidentReport {
  if (status === 'approved') return incidentReport({ status, decision: approve });
  if (status === 'rejected') return incidentReport({ status, decision: reject });
  if (status === 'resolved') return incidentReport({ status, resolvedAt: '2025-03-04T10:00:00Z' });
  return incidentReport({ status });
}

const events: Record<string, IncidentEvent> = {
  approve: { type: 'approve', decision: approve },
  reject: { type: 'reject', decision: reject },
  resolve: { type: 'resolve', at: '2025-03-04T11:00:00Z' },
  recur: { type: 'recur', at: '2025-03-04T09:30:00Z' },
};

// from status × event → resulting status, or a refusal whose reason contains the given words.
const table: Array<[IncidentStatus, keyof typeof events, IncidentStatus | { refused: string[] }]> = [
  ['open', 'approve', 'approved'],
  ['open', 'reject', 'rejected'],
  ['open', 'resolve', 'resolved'],
  ['open', 'recur', 'open'],
  ['approved', 'approve', { refused: ['already approved by alice (U0SREALICE) at 2025-03-04T09:20:00Z'] }],
  ['approved', 'reject', { refused: ['already approved by alice (U0SREALICE)'] }],
  ['approved', 'resolve', 'resolved'],
  ['approved', 'recur', 'approved'],
  ['rejected', 'approve', { refused: ['already rejected by U0SREBOB at 2025-03-04T09:21:00Z'] }],
  ['rejected', 'reject', { refused: ['already rejected by U0SREBOB'] }],
  ['rejected', 'resolve', 'resolved'],
  ['rejected', 'recur', 'rejected'],
  ['resolved', 'approve', { refused: ['resolved at 2025-03-04T10:00:00Z', 'new incident'] }],
  ['resolved', 'reject', { refused: ['resolved at 2025-03-04T10:00:00Z'] }],
  ['resolved', 'resolve', { refused: ['resolved at'] }],
  ['resolved', 'recur', { refused: ['new occurrence opens a new incident'] }],
];

describe('transition', () => {
  it.each(table)('%s + %s → %j', (from, eventName, expected) => {
    const before = inStatus(from);
    const result = transition(before, events[eventName]!);
    if (typeof expected === 'string') {
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      expect(result.report.status).toBe(expected);
      expect(IncidentReportSchema.safeParse(result.report).success).toBe(true);
    } else {
      expect(result).toMatchObject({ ok: false, code: 'transition_refused' });
      if (result.ok) return;
      for (const words of expected.refused) expect(result.reason).toContain(words);
    }
  });

  it('records the decision on approve and keeps the input untouched', () => {
    const before = inStatus('open');
    const result = transition(before, events.approve!);
    expect(result).toMatchObject({ ok: true, report: { status: 'approved', decision: approve } });
    expect(before.status).toBe('open');
    expect(before.decision).toBeUndefined();
  });

  it('refuses a decision whose action does not match the event', () => {
    const result = transition(inStatus('open'), { type: 'approve', decision: reject });
    expect(result).toMatchObject({ ok: false, code: 'transition_refused' });
  });

  it('sets resolvedAt on resolve and keeps an earlier decision', () => {
    const result = transition(inStatus('approved'), events.resolve!);
    expect(result).toMatchObject({
      ok: true,
      report: { status: 'resolved', resolvedAt: '2025-03-04T11:00:00Z', decision: approve },
    });
  });

  it.each([
    ['later occurrence moves lastSeen', '2025-03-04T09:30:00Z', '2025-03-04T09:30:00Z'],
    ['out-of-order occurrence keeps lastSeen', '2025-03-04T09:00:00Z', '2025-03-04T09:12:41Z'],
  ])('recur: %s and counts it', (_name, at, lastSeen) => {
    const detection = { ...incidentReport().detection, restartCount: 5 };
    const result = transition(inStatus('open'), { type: 'recur', at, detection });
    expect(result).toMatchObject({ ok: true, report: { lastSeen, occurrences: 2, detection: { restartCount: 5 } } });
  });

  it('describes decisions with and without a display name', () => {
    expect(describeDecision(approve)).toBe('approved by alice (U0SREALICE) at 2025-03-04T09:20:00Z');
    expect(describeDecision(reject)).toBe('rejected by U0SREBOB at 2025-03-04T09:21:00Z');
  });
});
