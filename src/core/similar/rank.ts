// Nearest past incidents by cosine similarity. Incidents of the same workload come first (what
// people did for this very workload matters most), then the rest, each group by score, and equal
// scores newest first (ISO-8601 UTC timestamps, which sort as text).
export interface Ranked<M> {
  meta: M;
  score: number;
}

export interface RankOptions {
  /** Workload key of the incident being looked up ("ns/Kind/name"). */
  sameWorkload: string;
  k: number;
  /** Candidates scoring below this are dropped, same workload or not. */
  minScore: number;
  /** The incident itself, when it is already indexed. */
  excludeId?: string;
}

/** Cosine of the angle between two vectors; 0 when their lengths differ or either is all zeros. */
export function cosineSimilarity(a: readonly number[], b: readonly number[]): number {
  if (a.length === 0 || a.length !== b.length) return 0;
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  if (na === 0 || nb === 0) return 0;
  const cos = dot / Math.sqrt(na * nb);
  return Number.isFinite(cos) ? Math.max(-1, Math.min(1, cos)) : 0;
}

export function rankSimilar<M extends { id: string; workload: string; lastSeen?: string }>(
  query: readonly number[],
  candidates: ReadonlyArray<{ vector: readonly number[]; meta: M }>,
  opts: RankOptions,
): Array<Ranked<M>> {
  if (opts.k <= 0) return [];
  const scored: Array<Ranked<M> & { same: boolean }> = [];
  const seen = new Set<string>();
  for (const c of candidates) {
    if (c.meta.id === opts.excludeId || seen.has(c.meta.id)) continue;
    seen.add(c.meta.id);
    const score = cosineSimilarity(query, c.vector);
    if (score < opts.minScore) continue;
    scored.push({ meta: c.meta, score, same: c.meta.workload === opts.sameWorkload });
  }
  // Equal scores (the same incident recurring): the newest first, then by id for a stable order.
  scored.sort(
    (a, b) =>
      Number(b.same) - Number(a.same) ||
      b.score - a.score ||
      (b.meta.lastSeen ?? '').localeCompare(a.meta.lastSeen ?? '') ||
      a.meta.id.localeCompare(b.meta.id),
  );
  return scored.slice(0, opts.k).map(({ meta, score }) => ({ meta, score }));
}
