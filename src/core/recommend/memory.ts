// Deterministic memory recommendation. OOM and eviction incidents follow VPA's OOM bump
// (kubernetes/autoscaler recommender): used = max(request, usage at OOM), needed =
// max(used + 100Mi, used × 1.2). A leak forecast uses KRR-style headroom: peak × 1.15.
// The result is rounded up with formatBytes so the limit never lands below the arithmetic.
import type { Detection, Recommendation } from '../model.ts';
import { describeBytes, formatBytes, MEBIBYTE, toBytes } from '../quantity.ts';

const OOM_MIN_BUMP_BYTES = 100 * MEBIBYTE;
const OOM_BUMP_RATIO = 1.2;
const PEAK_HEADROOM_RATIO = 1.15;

export interface RecommendOptions {
  /** Highest working-set seen for the container (metrics), when known. */
  observedPeakBytes?: number;
}

export function recommendMemory(d: Detection, opts: RecommendOptions = {}): Recommendation {
  const limit = d.memoryLimit === undefined ? undefined : toBytes(d.memoryLimit);
  const request = d.memoryRequest === undefined ? undefined : toBytes(d.memoryRequest);
  const peak = validPeak(opts.observedPeakBytes);
  const unreadable = [
    d.memoryLimit !== undefined && limit === undefined ? `limit "${d.memoryLimit}"` : undefined,
    d.memoryRequest !== undefined && request === undefined ? `request "${d.memoryRequest}"` : undefined,
  ].filter((s): s is string => s !== undefined);
  const unreadableNote = unreadable.length > 0 ? ` (ignored unreadable ${unreadable.join(', ')})` : '';

  if (d.kind === 'MemoryLeakForecast') return peakHeadroom(d, limit, request, peak, unreadableNote);
  return oomBump(d, limit, request, peak, unreadableNote);
}

function oomBump(
  d: Detection,
  limit: number | undefined,
  request: number | undefined,
  peak: number | undefined,
  note: string,
): Recommendation {
  // At an OOM kill the container's usage reached its limit, so the limit is the best usage figure;
  // a higher observed peak (or an odd request above the limit) wins.
  const candidates: Array<[string, number]> = [];
  if (limit !== undefined) candidates.push([d.kind === 'EvictedMemory' ? 'limit' : 'limit at OOM', limit]);
  if (peak !== undefined) candidates.push(['observed peak', peak]);
  if (request !== undefined) candidates.push(['request', request]);
  const best = candidates.reduce<[string, number] | undefined>((a, c) => (a === undefined || c[1] > a[1] ? c : a), undefined);
  if (best === undefined || best[1] <= 0) return none(`no memory limit, request or observed peak is known${note}`);

  const [label, used] = best;
  const needed = Math.max(used + OOM_MIN_BUMP_BYTES, used * OOM_BUMP_RATIO);
  const out = formatBytes(needed);
  const u = describeBytes(used);
  const basis = `${label} ${u}${note} → max(${u}+100Mi, ${u}×1.2) = ${describeBytes(needed)} → ${out}`;
  const outBytes = toBytes(out) ?? needed;
  return {
    limit: out,
    limitBytes: outBytes,
    request: recommendedRequest(d, request, outBytes, out),
    rule: 'vpa-oom-bump',
    basis,
  };
}

// Evictions pick pods using more than they requested, so the request rises with the limit there.
// For OOM kills the request is kept unless it would exceed the new limit.
function recommendedRequest(d: Detection, request: number | undefined, limitBytes: number, limit: string): string | undefined {
  if (d.kind === 'EvictedMemory') return limit;
  if (request === undefined) return undefined;
  return request > limitBytes ? limit : d.memoryRequest;
}

function peakHeadroom(d: Detection, limit: number | undefined, request: number | undefined, peak: number | undefined, note: string): Recommendation {
  const base: [string, number] | undefined =
    peak !== undefined ? ['peak', peak] : limit !== undefined ? ['limit (no observed peak)', limit] : undefined;
  if (base === undefined || base[1] <= 0) return none(`no observed peak or memory limit is known${note}`);
  const [label, used] = base;
  const needed = used * PEAK_HEADROOM_RATIO;
  const out = formatBytes(needed);
  const outBytes = toBytes(out) ?? needed;
  const u = describeBytes(used);
  const leakNote = '; a leak keeps growing, so this only buys time';
  return {
    limit: out,
    limitBytes: outBytes,
    request: recommendedRequest(d, request, outBytes, out),
    rule: 'peak-headroom',
    basis: `${label} ${u}${note} → ${u}×1.15 = ${describeBytes(needed)} → ${out}${leakNote}`,
  };
}

function none(basis: string): Recommendation {
  return { limit: '', limitBytes: 0, rule: 'none', basis: `${basis}; no limit can be recommended` };
}

function validPeak(p: number | undefined): number | undefined {
  return p !== undefined && Number.isFinite(p) && p > 0 ? p : undefined;
}
