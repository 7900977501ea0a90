// PromQL text built from names that come from the cluster. Label values are quoted the way
// PromQL string literals are (backslash, double quote, newline escaped), so a pod name can never
// change the shape of a query.

export function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r')}"`;
}

/** `{namespace="demo",pod="web-1"}` from label → value pairs (undefined values left out), plus raw matchers. */
export function selector(labels: Record<string, string | undefined>, raw: string[] = []): string {
  const parts = Object.entries(labels)
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([k, v]) => `${k}=${quote(v)}`);
  return `{${[...parts, ...raw].join(',')}}`;
}

/** A range selector duration in whole minutes, e.g. "10m". */
export function minutes(m: number): string {
  return `${Math.max(1, Math.round(m))}m`;
}
