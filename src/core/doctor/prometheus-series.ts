// The series the agent reads from Prometheus, with who exports them and what they feed, so
// `doctor` can say which exporter is missing rather than which query came back empty.

export interface ExpectedSeries {
  metric: string;
  source: 'cAdvisor' | 'kube-state-metrics';
  feeds: string;
}

export const EXPECTED_SERIES: readonly ExpectedSeries[] = [
  { metric: 'container_memory_working_set_bytes', source: 'cAdvisor', feeds: 'memory peaks and growth beside incidents' },
  { metric: 'container_cpu_cfs_periods_total', source: 'cAdvisor', feeds: 'CPU throttling incidents' },
  { metric: 'container_cpu_cfs_throttled_periods_total', source: 'cAdvisor', feeds: 'CPU throttling incidents' },
  { metric: 'kube_pod_container_status_last_terminated_reason', source: 'kube-state-metrics', feeds: 'termination reasons beside incidents' },
  { metric: 'kube_node_status_condition', source: 'kube-state-metrics', feeds: 'node conditions beside incidents' },
];

export const SOURCE_FIX: Record<ExpectedSeries['source'], string> = {
  cAdvisor: "scrape the kubelet's /metrics/cadvisor endpoint",
  'kube-state-metrics': 'install kube-state-metrics and scrape it',
};

/** One line per missing exporter: "cAdvisor (container_cpu_cfs_periods_total: CPU throttling incidents)". */
export function describeMissing(missing: readonly ExpectedSeries[]): string {
  const bySource = new Map<string, ExpectedSeries[]>();
  for (const m of missing) bySource.set(m.source, [...(bySource.get(m.source) ?? []), m]);
  return [...bySource].map(([source, list]) => `${source} (${list.map((m) => `${m.metric}: ${m.feeds}`).join('; ')})`).join(', ');
}
