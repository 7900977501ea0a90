import { describe, expect, it } from 'vitest';
import { acknowledge, describeMuteDuration, isMuteDuration, isMuted, mute, muteUntil, unmute } from '../../../src/core/incident/attention.ts';
import { incidentReport } from '../../fixtures/incidents/report.ts';

const who = { userId: 'U0SREALICE', userName: 'alice', at: '2026-11-28T10:00:00.000Z' };

describe('attention', () => {
  it.each([
    ['1h', 'hour', '2026-11-28T11:00:00.000Z', '1 hour'],
    ['4h', 'hours', '2026-11-28T14:00:00.000Z', '4 hours'],
    ['24h', 'day', '2026-11-29T10:00:00.000Z', '1 day'],
    ['7d', 'days', '2026-12-05T10:00:00.000Z', '7 days'],
  ] as const)('mute %s ends at the right time and reads "%s"', (d, _unit, until, words) => {
    expect(muteUntil(new Date(who.at), d)).toBe(until);
    expect(describeMuteDuration(d)).toBe(words);
    expect(isMuteDuration(d)).toBe(true);
  });

  it.each(['2h', '', '1H', 'forever', '__proto__', 'toString'])('%j is not a mute duration', (d) => {
    expect(isMuteDuration(d)).toBe(false);
  });

  it('is muted strictly before `until`', () => {
    const m = { until: '2026-11-28T11:00:00.000Z' };
    expect(isMuted(m, new Date('2026-11-28T10:59:59.999Z'))).toBe(true);
    expect(isMuted(m, new Date('2026-11-28T11:00:00.000Z'))).toBe(false);
    expect(isMuted(undefined, new Date())).toBe(false);
  });

  it('acknowledges once, and never a resolved incident', () => {
    const open = incidentReport();
    const first = acknowledge(open, who);
    expect(first).toEqual({ ok: true, report: { ...open, acknowledged: who } });
    const again = acknowledge((first as { report: typeof open }).report, { ...who, userId: 'U0SREBOB' });
    expect(again).toMatchObject({ ok: false, reason: expect.stringMatching(/already acknowledged by <@U0SREALICE>/) });
    expect(acknowledge(incidentReport({ status: 'resolved' }), who)).toMatchObject({ ok: false, reason: expect.stringMatching(/resolved/) });
  });

  it('mutes, re-mutes with a new end, and unmutes', () => {
    const open = incidentReport();
    const m1 = mute(open, { ...who, until: '2026-11-28T11:00:00.000Z' });
    expect(m1.ok && m1.report.mute?.until).toBe('2026-11-28T11:00:00.000Z');
    const m2 = mute((m1 as { report: typeof open }).report, { ...who, until: '2026-11-29T10:00:00.000Z' });
    expect(m2.ok && m2.report.mute?.until).toBe('2026-11-29T10:00:00.000Z');
    const u = unmute((m2 as { report: typeof open }).report);
    expect(u.ok && 'mute' in u.report).toBe(false);
    expect(unmute(open)).toMatchObject({ ok: false, reason: expect.stringMatching(/not muted/) });
    expect(mute(incidentReport({ status: 'resolved' }), { ...who, until: '2026-11-29T10:00:00.000Z' }).ok).toBe(false);
  });
});
