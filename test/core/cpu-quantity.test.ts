import { describe, expect, it } from 'vitest';
import { describeMillicores, formatMillicores, toMillicores } from '../../src/core/cpu-quantity.ts';

describe('toMillicores', () => {
  it.each([
    ['500m', 500], ['1', 1000], ['1.5', 1500], ['0.25', 250], ['2', 2000], ['+750m', 750], [' 100m ', 100], ['1.5m', 1.5], ['2e3', 2_000_000], ['0', 0],
  ])('%s → %s', (q, milli) => expect(toMillicores(q)).toBe(milli));

  it.each(['', 'abc', '-1', '500Mi', '1..5', 'm', '5 m'])('refuses %j', (q) => expect(toMillicores(q)).toBeUndefined());
});

describe('formatMillicores', () => {
  it.each([
    // [millicores, up, down]: 50m steps below a core, 100m steps from one core on, never below the figure when rounding up.
    [1, '50m', '0'], [50, '50m', '50m'], [51, '100m', '50m'], [462.5, '500m', '450m'], [999, '1', '950m'], [1000, '1', '1'],
    [1001, '1100m', '1'], [1550, '1600m', '1500m'], [2000, '2', '2'], [0, '0', '0'], [-5, '0', '0'],
  ])('%s → %s up, %s down', (milli, up, down) => {
    expect(formatMillicores(milli)).toBe(up);
    expect(formatMillicores(milli, 'down')).toBe(down);
    if (milli > 0) expect(toMillicores(formatMillicores(milli))!).toBeGreaterThanOrEqual(milli);
  });
});

describe('describeMillicores', () => {
  it.each([[250, '250m'], [999.6, '1000m'], [1000, '1 core'], [1250, '1.25 cores'], [2000, '2 cores']])('%s → %s', (m, text) => {
    expect(describeMillicores(m)).toBe(text);
  });
});
