// Slow-leak forecasting from working-set samples. The trend is a Theil–Sen line (median of
// pairwise slopes): a few spikes or dips do not move it, unlike least squares. Only the segment
// since the last restart counts (a restart drops the working set and starts a new series).
// The fit must be good (R² over the points that are not outliers) before a forecast is made:
// a wrong "OOM in 10 minutes" costs more trust than a missed one.

export interface UsagePoint {
  at: string;
  bytes: number;
}

export interface ForecastOptions {
  /** The container's memory limit in bytes; 0 or less means no limit. */
  limitBytes: number;
  /** Only crossings within this many minutes from `now` are forecast. */
  horizonMinutes: number;
  now: string;
  /** Fewest samples (after the last restart, outliers removed). Default 6. */
  minSamples?: number;
  /** Shortest time the samples must cover. Default 5 minutes. */
  minSpanMinutes?: number;
  /** Lowest acceptable R² of the line over the inliers. Default 0.8. */
  minR2?: number;
}

export type NoForecastReason = 'too_few_samples' | 'flat' | 'noisy' | 'shrinking' | 'beyond_horizon' | 'no_limit';

/** What the fit found; every field is measured on the segment since the last restart. */
export interface FitFacts {
  samplesUsed: number;
  outliers: number;
  spanMinutes: number;
  slopeBytesPerMinute: number;
  r2: number;
  /** The latest sample of the segment (what `kubectl top` would show now). */
  lastBytes: number;
  /** Highest inlier in the segment, for peak-based recommendations. */
  peakBytes: number;
}

export interface LeakForecast extends FitFacts {
  forecast: true;
  /** From `now` until the line reaches the limit; 0 when the line is already past it. */
  minutesToLimit: number;
  /** When the line reaches the limit (ISO-8601). */
  projectedAt: string;
}

export interface NoLeakForecast extends Partial<FitFacts> {
  forecast: false;
  reason: NoForecastReason;
  samplesUsed: number;
  /** For beyond_horizon: how far away the limit is. */
  minutesToLimit?: number;
  projectedAt?: string;
}

export type ForecastResult = LeakForecast | NoLeakForecast;

const DEFAULTS = { minSamples: 6, minSpanMinutes: 5, minR2: 0.8 };
/** A fall below (1 - this) × the recent level, lasting, is a restart (or a cgroup reset). */
const RESTART_DROP = 0.3;
/** Samples each side of a candidate drop whose medians are compared. */
const DROP_WINDOW = 3;
/** Growth over the observed span, and robust spread, below this fraction of the level is flat. */
const FLAT_FRACTION = 0.01;
/** Residuals beyond this many robust standard deviations are outliers. */
const OUTLIER_SIGMAS = 3;
/** Residuals within this fraction of the level are never outliers (quantity granularity). */
const OUTLIER_FLOOR_FRACTION = 0.005;
/** More outliers than this fraction means the series has no single trend. */
const MAX_OUTLIER_FRACTION = 0.25;
const MINUTE_MS = 60_000;

interface Point {
  t: number; // minutes since the segment's first sample
  ms: number;
  y: number;
}

export function forecastLeak(samples: UsagePoint[], opts: ForecastOptions): ForecastResult {
  const o = { ...DEFAULTS, ...opts };
  const nowMs = Date.parse(o.now);
  const usable = samples
    .map((s) => ({ ms: Date.parse(s.at), y: s.bytes }))
    .filter((p) => Number.isFinite(p.ms) && Number.isFinite(p.y) && p.y >= 0)
    .sort((a, b) => a.ms - b.ms);
  const segment = sinceLastRestart(usable);

  if (!(Number.isFinite(o.limitBytes) && o.limitBytes > 0)) return { forecast: false, reason: 'no_limit', samplesUsed: segment.length };
  const tooFew = (n: number): NoLeakForecast => ({ forecast: false, reason: 'too_few_samples', samplesUsed: n });
  if (segment.length < o.minSamples || !Number.isFinite(nowMs)) return tooFew(segment.length);

  const t0 = segment[0]!.ms;
  const all: Point[] = segment.map((p) => ({ ...p, t: (p.ms - t0) / MINUTE_MS }));
  const first = theilSen(all);
  const level = median(all.map((p) => p.y));
  const residuals = all.map((p) => p.y - (first.intercept + first.slope * p.t));
  const scale = 1.4826 * median(residuals.map(Math.abs));
  const band = Math.max(OUTLIER_SIGMAS * scale, OUTLIER_FLOOR_FRACTION * level);
  const inliers = all.filter((_, i) => Math.abs(residuals[i]!) <= band);
  const outliers = all.length - inliers.length;
  const span = inliers.length > 0 ? inliers.at(-1)!.t - inliers[0]!.t : 0;
  if (inliers.length < o.minSamples || span < o.minSpanMinutes) return tooFew(inliers.length);

  // Refit on the inliers so the line and R² describe the same points.
  const { slope, intercept } = theilSen(inliers);
  const facts: FitFacts = {
    samplesUsed: inliers.length,
    outliers,
    spanMinutes: span,
    slopeBytesPerMinute: slope,
    r2: rSquared(inliers, slope, intercept),
    lastBytes: segment.at(-1)!.y,
    peakBytes: Math.max(...inliers.map((p) => p.y)),
  };
  const no = (reason: NoForecastReason, extra: Partial<NoLeakForecast> = {}): NoLeakForecast => ({ forecast: false, reason, ...facts, ...extra });

  // Flat means stable: no growth worth the name and little spread. Swings without a trend are noisy.
  const noGrowth = Math.abs(slope * span) <= FLAT_FRACTION * level;
  if (noGrowth && scale <= FLAT_FRACTION * level) return no('flat');
  if (outliers > MAX_OUTLIER_FRACTION * all.length || facts.r2 < o.minR2) return no('noisy');
  if (noGrowth) return no('flat');
  if (slope < 0) return no('shrinking');

  const crossT = (o.limitBytes - intercept) / slope;
  const crossMs = t0 + crossT * MINUTE_MS;
  const minutesToLimit = Math.max(0, (crossMs - nowMs) / MINUTE_MS);
  const projectedAt = new Date(Math.round(crossMs)).toISOString();
  if (minutesToLimit > o.horizonMinutes) return no('beyond_horizon', { minutesToLimit, projectedAt });
  return { forecast: true, ...facts, minutesToLimit, projectedAt };
}

/**
 * The samples after the last restart. A drop counts when the next few samples are well below
 * the few before, compared by medians that lean against a split (lower median before, upper
 * after), so a lone spike or dip is an outlier, not a restart. A drop at the very end counts (the
 * container just restarted: too few new samples to forecast yet); one high sample at the very
 * start does not (it is left to the outlier filter).
 */
function sinceLastRestart<T extends { y: number }>(points: T[]): T[] {
  let start = 0;
  for (let i = start + 2; i < points.length; i++) {
    const before = sorted(points.slice(Math.max(start, i - DROP_WINDOW), i).map((p) => p.y));
    const after = sorted(points.slice(i, i + DROP_WINDOW).map((p) => p.y));
    const lowerBefore = before[(before.length - 1) >> 1]!;
    const upperAfter = after[after.length >> 1]!;
    if (upperAfter < (1 - RESTART_DROP) * lowerBefore) {
      start = i;
      i += 1; // the new segment needs two samples before the next drop can be judged
    }
  }
  return points.slice(start);
}

function sorted(values: number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

/** Theil–Sen: slope = median of pairwise slopes, intercept = median of y − slope·t. */
function theilSen(points: Point[]): { slope: number; intercept: number } {
  const slopes: number[] = [];
  for (let i = 0; i < points.length; i++) {
    for (let j = i + 1; j < points.length; j++) {
      const dt = points[j]!.t - points[i]!.t;
      if (dt > 0) slopes.push((points[j]!.y - points[i]!.y) / dt);
    }
  }
  const slope = slopes.length > 0 ? median(slopes) : 0;
  return { slope, intercept: median(points.map((p) => p.y - slope * p.t)) };
}

/** 1 − SS_res/SS_tot for the given line, clamped to [0, 1]; a constant series fits perfectly only if the line matches it. */
function rSquared(points: Point[], slope: number, intercept: number): number {
  const mean = points.reduce((s, p) => s + p.y, 0) / points.length;
  let ssRes = 0;
  let ssTot = 0;
  for (const p of points) {
    ssRes += (p.y - (intercept + slope * p.t)) ** 2;
    ssTot += (p.y - mean) ** 2;
  }
  if (ssTot === 0) return ssRes === 0 ? 1 : 0;
  return Math.min(1, Math.max(0, 1 - ssRes / ssTot));
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const s = sorted(values);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
