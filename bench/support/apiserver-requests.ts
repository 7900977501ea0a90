// Counts the requests an API server served, from its own `apiserver_request_total` counter
// (scraped before and after the measured work). The API server's own housekeeping is left out:
// lease renewals, the `kubernetes` Service endpoints reconciler, and non-resource requests (the
// scrape itself, /readyz).
export type RequestCounts = Map<string, number>;

const HOUSEKEEPING = new Set(['leases', 'endpoints', 'endpointslices']);
const LINE = /^apiserver_request_total\{([^}]*)\} (\S+)$/gm;

function labels(text: string): Record<string, string> {
  return Object.fromEntries([...text.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
}

export function parseRequestCounts(metrics: string): RequestCounts {
  const counts: RequestCounts = new Map();
  for (const m of metrics.matchAll(LINE)) {
    const l = labels(m[1]!);
    if (!l.resource || HOUSEKEEPING.has(l.resource)) continue;
    const key = `${l.verb} ${l.resource}${l.subresource ? `/${l.subresource}` : ''}`;
    counts.set(key, (counts.get(key) ?? 0) + Number(m[2]));
  }
  return counts;
}

/** after − before, only what changed. */
export function diffCounts(before: RequestCounts, after: RequestCounts): RequestCounts {
  const diff: RequestCounts = new Map();
  for (const [key, n] of after) {
    const d = n - (before.get(key) ?? 0);
    if (d > 0) diff.set(key, d);
  }
  return diff;
}

export function total(counts: RequestCounts): number {
  return [...counts.values()].reduce((a, b) => a + b, 0);
}

export function describeCounts(counts: RequestCounts): string {
  return [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ×${n}`).join(', ') || '—';
}
