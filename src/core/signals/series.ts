// What Prometheus answers, in the core's own terms: series with their labels and points. The
// adapter turns the HTTP API's JSON into these; the pure signal functions read only these.

/** One point of a series: Unix time in seconds and its value (NaN and ±Inf stay as they are). */
export interface PromPoint {
  t: number;
  v: number;
}

/** One series: an instant query gives one point per series, a range query many (oldest first). */
export interface PromSeries {
  labels: Record<string, string>;
  points: PromPoint[];
}

/** The value of the one series an aggregated instant query returns; undefined when there is none or it is not finite. */
export function scalarOf(series: readonly PromSeries[]): number | undefined {
  const v = series[0]?.points.at(-1)?.v;
  return v !== undefined && Number.isFinite(v) ? v : undefined;
}

/** Finite values of an instant query, keyed by the listed labels joined with "/". */
export function valuesBy(series: readonly PromSeries[], labels: readonly string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of series) {
    const v = s.points.at(-1)?.v;
    if (v === undefined || !Number.isFinite(v)) continue;
    out.set(labels.map((l) => s.labels[l] ?? '').join('/'), v);
  }
  return out;
}
