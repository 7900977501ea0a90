// Working-set history from Prometheus for the leak forecast: hours of
// container_memory_working_set_bytes per container at once, instead of the few samples the agent
// collects itself from metrics.k8s.io. A restarted container's new series (another container id)
// joins the old one under its pod and container; the forecast keeps only what follows the
// current start anyway.
import type { UsagePoint } from '../forecast/leak-forecast.ts';
import { selector } from './promql.ts';
import type { PromSeries } from './series.ts';

export function workingSetQuery(namespace: string): string {
  return `max by (pod, container) (container_memory_working_set_bytes${selector({ namespace }, ['container!=""', 'container!="POD"'])})`;
}

/** Range answers as usage points by "pod/container", oldest first; non-finite and negative values dropped. */
export function usageByContainer(series: readonly PromSeries[]): Map<string, UsagePoint[]> {
  const out = new Map<string, UsagePoint[]>();
  for (const s of series) {
    const { pod, container } = s.labels;
    if (!pod || !container) continue;
    const points = s.points
      .filter((p) => Number.isFinite(p.v) && p.v >= 0 && Number.isFinite(p.t))
      .map((p) => ({ at: new Date(p.t * 1000).toISOString(), bytes: p.v }));
    if (points.length > 0) out.set(`${pod}/${container}`, points);
  }
  return out;
}
