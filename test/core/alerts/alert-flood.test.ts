// What one notification may open: the most severe first, the same ones on every re-send.
import { describe, expect, it } from 'vitest';
import { planAlertFlood } from '../../../src/core/alerts/alert-flood.ts';

const c = (fingerprint: string, severity: string | undefined, startsAt = '2026-11-29T03:00:00.000Z') => ({ fingerprint, severity, startsAt });

describe('planAlertFlood', () => {
  it('opens everything up to the cap', () => {
    const all = [c('a', 'warning'), c('b', 'info')];
    expect(planAlertFlood(all, 2)).toEqual({ open: [all[0], all[1]], fold: [] });
  });

  it('opens the most severe, then the oldest, and folds the rest', () => {
    const all = [
      c('info-1', 'info'), c('warn-late', 'warning', '2026-11-29T03:05:00.000Z'), c('crit', 'critical'),
      c('warn-early', 'warning', '2026-11-29T03:01:00.000Z'), c('none', undefined), c('page', 'page'),
    ];
    const plan = planAlertFlood(all, 3);
    expect(plan.open.map((x) => x.fingerprint)).toEqual(['crit', 'page', 'warn-early']);
    expect(plan.fold.map((x) => x.fingerprint)).toEqual(['warn-late', 'info-1', 'none']);
  });

  it('chooses the same alerts whatever order they arrive in', () => {
    const all = Array.from({ length: 50 }, (_, i) => c(`fp-${i}`, i % 3 === 0 ? 'critical' : 'warning'));
    const shuffled = [...all].sort((x, y) => (x.fingerprint.length * 7 + y.fingerprint.charCodeAt(3)) % 3 - 1);
    expect(planAlertFlood(shuffled, 10).open).toEqual(planAlertFlood(all, 10).open);
  });
});
