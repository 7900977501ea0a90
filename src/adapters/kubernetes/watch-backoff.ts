// Delay before the n-th consecutive restart of a watch: doubles from min, capped at max, with
// ±20% jitter so replicas cut off by the same outage do not reconnect in lockstep.
import { AppError } from '../../core/errors.ts';

export interface BackoffRange {
  min: number;
  max: number;
}

export function validateBackoff(range: BackoffRange): BackoffRange {
  const { min, max } = range;
  if (!Number.isFinite(min) || !Number.isFinite(max) || min <= 0 || max < min) {
    throw new AppError('config_invalid', `watch backoff needs 0 < min <= max (got min=${min}, max=${max})`);
  }
  return range;
}

/** attempt 0 is the first restart after a healthy watch. `random` returns [0, 1). */
export function backoffDelay(attempt: number, range: BackoffRange, random: () => number = Math.random): number {
  const base = Math.min(range.max, range.min * 2 ** Math.max(0, attempt));
  return Math.min(range.max, Math.max(1, Math.round(base * (0.8 + 0.4 * random()))));
}
