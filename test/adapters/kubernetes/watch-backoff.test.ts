import { describe, expect, it } from 'vitest';
import { backoffDelay, validateBackoff } from '../../../src/adapters/kubernetes/watch-backoff.ts';
import { isAppError } from '../../../src/core/errors.ts';

const range = { min: 250, max: 30_000 };

describe('backoffDelay', () => {
  it.each([
    // attempt, random, expected
    [0, 0.5, 250],
    [1, 0.5, 500],
    [4, 0.5, 4_000],
    [7, 0.5, 30_000],
    [200, 0.5, 30_000],
    [0, 0, 200],
    [0, 0.999, 300],
    [10, 0.999, 30_000],
  ])('attempt %i with random %d → %i ms', (attempt, random, expected) => {
    expect(backoffDelay(attempt, range, () => random)).toBe(expected);
  });

  it('never goes below 1 ms or above max', () => {
    for (let attempt = 0; attempt < 64; attempt += 1) {
      for (const r of [0, 0.3, 0.9999]) {
        const d = backoffDelay(attempt, { min: 1, max: 1_000 }, () => r);
        expect(d).toBeGreaterThanOrEqual(1);
        expect(d).toBeLessThanOrEqual(1_000);
      }
    }
  });
});

describe('validateBackoff', () => {
  it.each([
    [{ min: 0, max: 10 }],
    [{ min: -1, max: 10 }],
    [{ min: 20, max: 10 }],
    [{ min: Number.NaN, max: 10 }],
    [{ min: 1, max: Number.POSITIVE_INFINITY }],
  ])('refuses %o', (r) => {
    let caught: unknown;
    try {
      validateBackoff(r);
    } catch (err) {
      caught = err;
    }
    expect(isAppError(caught, 'config_invalid')).toBe(true);
  });

  it('accepts min = max', () => {
    expect(validateBackoff({ min: 5, max: 5 })).toEqual({ min: 5, max: 5 });
  });
});
