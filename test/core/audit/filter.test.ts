import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../../src/core/audit/entry.ts';
import { matchesFilter, parseAuditFilter, parseWhen } from '../../../src/core/audit/filter.ts';

const NOW = new Date('2025-03-10T12:00:00.000Z');

const entry = (over: Partial<AuditEntry>): AuditEntry => ({
  seq: 1, at: '2025-03-04T09:20:00.000Z', actor: 'U0SREALICE', action: 'decision', outcome: 'approved',
  prevHash: '0'.repeat(64), hash: 'a'.repeat(64), ...over,
});

describe('parseWhen', () => {
  it.each([
    ['2025-03-04', '2025-03-04T00:00:00.000Z'],
    ['2025-03-04T09:30:00Z', '2025-03-04T09:30:00.000Z'],
    ['2025-03-04T09:30', '2025-03-04T09:30:00.000Z'],
    ['2025-03-04T10:30:00+01:00', '2025-03-04T09:30:00.000Z'],
    ['7d', '2025-03-03T12:00:00.000Z'],
    ['24h', '2025-03-09T12:00:00.000Z'],
    ['30m', '2025-03-10T11:30:00.000Z'],
    ['2w', '2025-02-24T12:00:00.000Z'],
  ])('%s → %s', (text, iso) => {
    expect(new Date(parseWhen(text, NOW)!).toISOString()).toBe(iso);
  });

  it.each(['yesterday', '2025-13-45', '7 days', '', '-3d', '2025-03-04T25:00'])('refuses %j', (text) => {
    expect(parseWhen(text, NOW)).toBeUndefined();
  });
});

describe('parseAuditFilter', () => {
  it('lists every problem at once', () => {
    const r = parseAuditFilter({ since: 'soon', until: 'later', action: 'decision,approve', actor: ' ' }, NOW);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.problems).toHaveLength(4);
      expect(r.problems.join('\n')).toMatch(/--since "soon"[\s\S]*--until "later"[\s\S]*--actor[\s\S]*"approve" is not an action/);
    }
  });

  it('refuses a window that ends before it starts', () => {
    expect(parseAuditFilter({ since: '2025-03-05', until: '2025-03-04' }, NOW)).toMatchObject({ ok: false, problems: ['--since must be before --until'] });
  });
});

describe('matchesFilter', () => {
  const f = (input: Parameters<typeof parseAuditFilter>[0]) => {
    const r = parseAuditFilter(input, NOW);
    if (!r.ok) throw new Error(r.problems.join('; '));
    return r.filter;
  };

  it('keeps entries in [since, until)', () => {
    const window = f({ since: '2025-03-04', until: '2025-03-05' });
    expect(matchesFilter(entry({ at: '2025-03-04T00:00:00.000Z' }), window)).toBe(true);
    expect(matchesFilter(entry({ at: '2025-03-04T23:59:59.999Z' }), window)).toBe(true);
    expect(matchesFilter(entry({ at: '2025-03-05T00:00:00.000Z' }), window)).toBe(false);
    expect(matchesFilter(entry({ at: '2025-03-03T23:59:59.000Z' }), window)).toBe(false);
  });

  it('matches an incident by id or by fingerprint', () => {
    const e = entry({ incidentId: 'oom-1', subject: { namespace: 'demo', fingerprint: 'fp-1' } });
    expect(matchesFilter(e, f({ incident: 'oom-1' }))).toBe(true);
    expect(matchesFilter(e, f({ incident: 'fp-1' }))).toBe(true);
    expect(matchesFilter(e, f({ incident: 'oom-2' }))).toBe(false);
  });

  it('matches an actor by Slack id or display name, whatever the case and spacing', () => {
    const e = entry({ actorName: 'Alice  Martin' });
    for (const who of ['U0SREALICE', 'u0srealice', 'alice martin', 'ALICE MARTIN']) expect(matchesFilter(e, f({ actor: who }))).toBe(true);
    expect(matchesFilter(e, f({ actor: 'alice' }))).toBe(false);
    expect(matchesFilter(entry({ actor: 'system' }), f({ actor: 'system' }))).toBe(true);
  });

  it('keeps the listed actions', () => {
    const decisions = f({ action: 'decision, decision_refused' });
    expect(matchesFilter(entry({}), decisions)).toBe(true);
    expect(matchesFilter(entry({ action: 'decision_refused' }), decisions)).toBe(true);
    expect(matchesFilter(entry({ action: 'incident_posted' }), decisions)).toBe(false);
  });
});
