// Kubernetes memory quantities ("64Mi", "1.5Gi", "128974848", "129e6") <-> bytes.
// Parsing delegates to @kubernetes/client-node's quantityToScalar. It is imported from
// dist/util.js, which has no imports and does no I/O; the package root does not re-export it and
// loading the root pulls in the whole API client (~0.5 s), so the deep path is deliberate.
import { quantityToScalar } from '@kubernetes/client-node/dist/util.js';

const KI = 1024;
const MI = 1024 * KI;
const GI = 1024 * MI;

// The quantity grammar from k8s.io/apimachinery (sign, number, optional suffix or exponent).
const QUANTITY = /^\+?(\d+(\.\d*)?|\.\d+)(([KMGTPE]i)|[numkMGTPE]|[eE][+-]?\d+)?$/;
const DECIMAL_WITH_SUFFIX = /^\+?(\d+(\.\d*)?|\.\d+)(([KMGTPE]i)|[numkMGTPE])$/;

/** Bytes for a memory quantity; undefined for anything that is not a valid, finite, non-negative quantity. */
export function toBytes(q: string): number | undefined {
  if (typeof q !== 'string') return undefined;
  const text = q.trim();
  if (!QUANTITY.test(text)) return undefined;
  const plain = text.startsWith('+') ? text.slice(1) : text;
  try {
    return finite(Number(quantityToScalar(plain)));
  } catch {
    // The helper multiplies with BigInt, which refuses fractions like "1.5Gi": take the
    // suffix multiplier from the helper and apply the fraction here.
    const m = DECIMAL_WITH_SUFFIX.exec(plain);
    if (!m) return undefined;
    const suffix = m[3] ?? '';
    try {
      return finite(Number(m[1]) * Number(quantityToScalar(`1${suffix}`)));
    } catch {
      return undefined;
    }
  }
}

function finite(n: number): number | undefined {
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

export type Rounding = 'up' | 'down';

/**
 * A recommendation-friendly quantity, rounded UP by default so a limit never ends below what was
 * computed: below 1Gi to a multiple of 16Mi (at least 16Mi), shown in Mi ("176Mi"); from 1Gi on
 * to a multiple of 128Mi, shown in Gi when whole ("2Gi") and in Mi otherwise ("1536Mi").
 * `down` rounds to the same steps the other way (used when clamping to a ceiling); 0 or less → "0".
 */
export function formatBytes(bytes: number, rounding: Rounding = 'up'): string {
  if (!Number.isFinite(bytes) || bytes <= 0) return '0';
  const step = bytes < GI ? 16 * MI : 128 * MI;
  const steps = rounding === 'up' ? Math.ceil(bytes / step) : Math.floor(bytes / step);
  let rounded = steps * step;
  if (rounded === 0) rounded = rounding === 'up' ? step : 0;
  if (rounded === 0) return '0';
  if (rounded >= GI && rounded % GI === 0) return `${rounded / GI}Gi`;
  return `${rounded / MI}Mi`;
}

/** A human figure for explanations ("164Mi", "76.8Mi", "2Gi", "1228.8Mi", "512Ki"), not a quantity to apply. */
export function describeBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return String(bytes);
  if (bytes >= GI && bytes % GI === 0) return `${bytes / GI}Gi`;
  if (bytes >= MI) return `${trim(bytes / MI)}Mi`;
  if (bytes >= KI) return `${trim(bytes / KI)}Ki`;
  return `${trim(bytes)}`;
}

function trim(n: number): string {
  return String(Math.round(n * 10) / 10);
}

export const MEBIBYTE = MI;
export const GIBIBYTE = GI;
