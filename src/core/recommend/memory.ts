// Deterministic memory recommendation. Every incident kind here means the container needs more
// memory than it has, so a recommendation is never below the current limit.
// - OOM and eviction incidents follow VPA's OOM bump (kubernetes/autoscaler recommender):
//   used = max(request, usage at OOM), needed = max(used + 100Mi, used × 1.2).
// - A leak forecast sizes the limit for the usage the growth line projects at the end of the
//   forecast horizon, with KRR-style headroom (× 1.15), and says how much time that buys.
// Results are rounded up with formatBytes so the limit never lands below the arithmetic.
import type { Detection, LeakTrend, Recommendation } from '../model.ts';
import { incidentFamily, isAlertKind } from '../detection/family.ts';
import { describeDuration, describeRate } from '../detection/leak-forecast-detection.ts';
import { describeBytes, formatBytes, MEBIBYTE, toBytes } from '../quantity.ts';
import { requestWithinLimit } from './approved.ts';
import { recommendRuntimeHeap } from './runtime-heap.ts';

const OOM_MIN_BUMP_BYTES = 100 * MEBIBYTE;
const OOM_BUMP_RATIO = 1.2;
const LEAK_HEADROOM_RATIO = 1.15;

export interface RecommendOptions {
  /** Highest working-set seen for the container (metrics), when known. */
  observedPeakBytes?: number;
}

type Figure = [label: string, bytes: number];

export function recommendMemory(d: Detection, opts: RecommendOptions = {}): Recommendation {
  const limit = d.memoryLimit === undefined ? undefined : toBytes(d.memoryLimit);
  const request = d.memoryRequest === undefined ? undefined : toBytes(d.memoryRequest);
  const peak = validPeak(opts.observedPeakBytes);
  const unreadable = [
    d.memoryLimit !== undefined && limit === undefined ? `limit "${d.memoryLimit}"` : undefined,
    d.memoryRequest !== undefined && request === undefined ? `request "${d.memoryRequest}"` : undefined,
  ].filter((s): s is string => s !== undefined);
  const note = unreadable.length > 0 ? ` (ignored unreadable ${unreadable.join(', ')})` : '';
  const known = { limit, request, peak, note };

  if (incidentFamily(d.kind) !== 'memory') {
    return none(`a ${incidentFamily(d.kind)} incident (${d.kind}) is not fixed by a memory limit`);
  }
  if (isAlertKind(d.kind)) return none('an alert carries no measured termination or usage to size a memory limit from');
  if (d.kind === 'MemoryLeakForecast') return leakProjection(d, known);
  if (d.kind === 'RuntimeOOM') return recommendRuntimeHeap(d);
  return oomBump(d, known);
}

interface Known {
  limit: number | undefined;
  request: number | undefined;
  peak: number | undefined;
  note: string;
}

function oomBump(d: Detection, { limit, request, peak, note }: Known): Recommendation {
  // At an OOM kill the container's usage reached its limit, so the limit is the best usage figure;
  // a higher observed peak (or an odd request above the limit) wins.
  const best = largest([
    limit !== undefined ? [d.kind === 'EvictedMemory' ? 'limit' : 'limit at OOM', limit] : undefined,
    peak !== undefined ? ['observed peak', peak] : undefined,
    request !== undefined ? ['request', request] : undefined,
  ]);
  if (best === undefined) return none(`no memory limit, request or observed peak is known${note}`);

  const [label, used] = best;
  const needed = Math.max(used + OOM_MIN_BUMP_BYTES, used * OOM_BUMP_RATIO);
  const out = formatBytes(needed);
  const u = describeBytes(used);
  return {
    limit: out,
    limitBytes: toBytes(out) ?? needed,
    ...requestFor(d, out),
    rule: 'vpa-oom-bump',
    basis: `${label} ${u}${note} → max(${u}+100Mi, ${u}×1.2) = ${describeBytes(needed)} → ${out}`,
  };
}

function leakProjection(d: Detection, { limit, request, peak, note }: Known): Recommendation {
  const trend = validTrend(d.trend);
  const projected = limit !== undefined && trend !== undefined ? projectedUsage(limit, trend) : undefined;
  // Whatever the growth line says, the new limit starts from at least the current one: a leak
  // only ever needs more.
  const best = largest([
    projected !== undefined ? [`projected usage in ${Math.round(trend!.horizonMinutes)} min`, projected] : undefined,
    peak !== undefined ? ['observed peak', peak] : undefined,
    limit !== undefined ? ['current limit', limit] : undefined,
    request !== undefined ? ['request', request] : undefined,
  ]);
  if (best === undefined) return none(`no observed peak or memory limit is known${note}`);

  const [label, used] = best;
  const needed = used * LEAK_HEADROOM_RATIO;
  const out = formatBytes(needed);
  const outBytes = toBytes(out) ?? needed;
  const u = describeBytes(used);
  const how = projected !== undefined && label.startsWith('projected') ? projectionText(limit!, trend!) : '';
  return {
    limit: out,
    limitBytes: outBytes,
    ...requestFor(d, out),
    rule: 'leak-projection',
    basis: `${label} ${u}${how}${note} → ${u}×1.15 = ${describeBytes(needed)} → ${out}; ${timeBought(limit, outBytes, trend)}`,
  };
}

/** Where the growth line stands at the end of the horizon (never below the limit it crosses). */
function projectedUsage(limit: number, t: LeakTrend): number {
  return limit + t.slopeBytesPerMinute * Math.max(0, t.horizonMinutes - t.minutesToLimit);
}

function projectionText(limit: number, t: LeakTrend): string {
  const after = Math.max(0, t.horizonMinutes - t.minutesToLimit);
  return ` (the ${describeBytes(limit)} limit is reached ${when(t.minutesToLimit)}, then ${describeRate(t.slopeBytesPerMinute)} for ${Math.round(after)} min)`;
}

/** "buys about 56 minutes: at +2 MiB/min the working set reaches 624Mi in about 2.7 hours, the current 512Mi in about 1.8 hours; …". */
function timeBought(limit: number | undefined, newLimit: number, trend: LeakTrend | undefined): string {
  const fix = 'a leak keeps growing, so this buys time and does not fix it';
  if (limit === undefined || trend === undefined) return `no growth rate known, so the time this buys is unknown; ${fix}`;
  const bought = (newLimit - limit) / trend.slopeBytesPerMinute;
  const reached = trend.minutesToLimit + bought;
  return (
    `buys ${describeDuration(bought)}: at ${describeRate(trend.slopeBytesPerMinute)} the working set reaches ` +
    `${describeBytes(newLimit)} ${when(reached)}, the current ${describeBytes(limit)} ${when(trend.minutesToLimit)}; ${fix}`
  );
}

function when(minutes: number): string {
  return minutes < 1 ? 'within a minute' : `in ${describeDuration(minutes)}`;
}

// Evictions pick pods using more than they requested, so the request rises with the limit there.
// Otherwise the request is kept, never above the new limit.
function requestFor(d: Detection, limit: string): { request?: string } {
  const request = d.kind === 'EvictedMemory' ? limit : requestWithinLimit(d.memoryRequest, limit);
  return request === undefined ? {} : { request };
}

function largest(figures: Array<Figure | undefined>): Figure | undefined {
  let best: Figure | undefined;
  for (const f of figures) if (f !== undefined && f[1] > 0 && (best === undefined || f[1] > best[1])) best = f;
  return best;
}

function none(basis: string): Recommendation {
  return { limit: '', limitBytes: 0, rule: 'none', basis: `${basis}; no limit can be recommended` };
}

function validPeak(p: number | undefined): number | undefined {
  return p !== undefined && Number.isFinite(p) && p > 0 ? p : undefined;
}

function validTrend(t: LeakTrend | undefined): LeakTrend | undefined {
  if (t === undefined) return undefined;
  const ok = [t.slopeBytesPerMinute, t.minutesToLimit, t.horizonMinutes].every(Number.isFinite);
  return ok && t.slopeBytesPerMinute > 0 ? t : undefined;
}
