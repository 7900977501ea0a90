// Kubernetes CPU quantities ("500m", "1.5", "2") <-> millicores. The number itself is read by the
// same quantity parser as memory (quantity.ts); CPU only narrows the suffixes that make sense.
import { toBytes as toScalar } from './quantity.ts';

const QUANTITY = /^\+?(\d+(\.\d*)?|\.\d+)(m|[kMG]|[eE][+-]?\d+)?$/;

/** Millicores for a CPU quantity; undefined for anything that is not a valid, finite, non-negative one. */
export function toMillicores(q: string): number | undefined {
  if (typeof q !== 'string') return undefined;
  const text = q.trim().replace(/^\+/, '');
  if (!QUANTITY.test(text)) return undefined;
  const cores = toScalar(text);
  if (cores === undefined) return undefined;
  const milli = cores * 1000;
  return Number.isFinite(milli) && milli >= 0 ? Math.round(milli * 1000) / 1000 : undefined;
}

/**
 * A quantity to apply, rounded UP by default so a limit never ends below what was computed: to a
 * multiple of 50m below one core, of 100m from one core on; shown as whole cores when whole ("2")
 * and in millicores otherwise ("750m", "1500m"). `down` rounds the other way (clamping to a ceiling).
 */
export function formatMillicores(milli: number, rounding: 'up' | 'down' = 'up'): string {
  if (!Number.isFinite(milli) || milli <= 0) return '0';
  const step = milli < 1000 ? 50 : 100;
  const steps = rounding === 'up' ? Math.ceil(milli / step - 1e-9) : Math.floor(milli / step + 1e-9);
  let rounded = steps * step;
  if (rounded === 0) rounded = rounding === 'up' ? step : 0;
  if (rounded === 0) return '0';
  return rounded % 1000 === 0 ? String(rounded / 1000) : `${rounded}m`;
}

/** A human figure for explanations ("750m", "1.25 cores"), not a quantity to apply. */
export function describeMillicores(milli: number): string {
  if (!Number.isFinite(milli) || milli < 0) return String(milli);
  if (milli < 1000) return `${Math.round(milli)}m`;
  const cores = Math.round(milli / 10) / 100;
  return `${cores} core${cores === 1 ? '' : 's'}`;
}
