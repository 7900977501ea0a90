// Which series the agent really exports, and a check that PromQL (alert rules, dashboard panels)
// selects only those, with labels they carry. The series come from the agent's own metrics module:
// every handle is used once and the registry scraped, so a renamed metric or label shows up here
// (a renamed label already fails the type check of the calls below).
import { createMetrics } from '../../src/adapters/http/metrics.ts';

/** Labels Prometheus adds from the ServiceMonitor's target. */
const TARGET_LABELS = ['job', 'namespace', 'instance', 'pod', 'service', 'endpoint', 'container'];

/** Series from elsewhere that the rules and the dashboard may use, with their labels. */
export const OTHER_SERIES: Record<string, { source: string; labels: string[] }> = {
  up: { source: 'Prometheus, per scrape target', labels: [] },
  kube_deployment_status_replicas_available: { source: 'kube-state-metrics', labels: ['deployment'] },
  kube_deployment_spec_replicas: { source: 'kube-state-metrics', labels: ['deployment'] },
};

/** Series name → its labels, as Prometheus stores them after the scrape. */
export async function exportedSeries(): Promise<Map<string, Set<string>>> {
  const m = createMetrics();
  m.scansTotal.inc({ namespace: 'demo', trigger: 'schedule', outcome: 'ok' });
  m.scanDurationSeconds.observe(1);
  m.incidentsDetectedTotal.inc({ kind: 'OOMKilled', family: 'memory', source: 'watch' });
  m.incidentsOpen.set(1);
  m.llmCallsTotal.inc({ model: 'mistral', outcome: 'ok' });
  m.llmLatencySeconds.observe({ model: 'mistral' }, 1);
  m.llmFallbacksTotal.inc({ reason: 'llm_timeout' });
  m.llmSteeringTotal.inc({ kind: 'approval_claim' });
  m.llmTokensTotal.inc({ model: 'mistral', type: 'prompt' }, 812);
  m.slackApiErrorsTotal.inc({ method: 'chat.postMessage', error: 'not_in_channel' });
  m.slackRateLimitedTotal.inc({ method: 'chat.postMessage' });
  m.queueWaitSeconds.observe({ queue: 'analyze' }, 1);
  m.decisionsTotal.inc({ action: 'approve', outcome: 'recorded' });
  m.auditAppendFailuresTotal.inc({ action: 'decision' });
  m.auditReplicaUnconfirmedTotal.inc({ reason: 'no_replica' });
  m.watchRestartsTotal.inc({ watch: 'pods', reason: 'error' });
  m.detectionLatencySeconds.observe(1);
  m.setQueueDepthSource(() => Promise.resolve([{ queue: 'analyze', state: 'waiting', count: 1 }]));
  const series = new Map<string, Set<string>>();
  for (const line of (await m.scrape()).split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? /.exec(line);
    if (!match) continue;
    const labels = [...(match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="/g)].map((l) => l[1]!);
    // A label named like a target label is renamed exported_<name> by the scrape (honor_labels off).
    const stored = labels.map((l) => (TARGET_LABELS.includes(l) ? `exported_${l}` : l));
    const known = series.get(match[1]!) ?? new Set<string>();
    for (const l of stored) known.add(l);
    series.set(match[1]!, known);
  }
  return series;
}

/** Problems with the series one PromQL expression selects (empty when it only uses real ones). */
export function seriesProblems(expr: string, exported: Map<string, Set<string>>): string[] {
  const problems: string[] = [];
  const usable = new Set(TARGET_LABELS);
  const selectors = [...expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\s*\{([^}]*)\}/g)];
  for (const [, name, matchers] of selectors) {
    const labels = exported.get(name!) ?? (OTHER_SERIES[name!] ? new Set(OTHER_SERIES[name!]!.labels) : undefined);
    if (!labels) {
      problems.push(`${name}: not a series the agent exports (nor one of ${Object.keys(OTHER_SERIES).join(', ')})`);
      continue;
    }
    const allowed = new Set([...TARGET_LABELS, ...labels]);
    for (const l of allowed) usable.add(l);
    for (const [, label] of matchers!.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)\s*"/g)) {
      if (!allowed.has(label!)) problems.push(`${name}: has no label ${label} (it has ${[...labels].sort().join(', ') || 'none'} besides the target's)`);
    }
    if (name!.startsWith('kube_ai_sre_') && !/\bjob\s*(=|=~)\s*"/.test(matchers!)) problems.push(`${name}: not scoped to the agent's job`);
  }
  for (const bare of expr.matchAll(/\b(kube_ai_sre_[a-z_]+)\b(?!\s*\{)/g)) problems.push(`${bare[1]}: selected without label matchers`);
  for (const [, group] of expr.matchAll(/\b(?:by|without)\s*\(([^)]*)\)/g)) {
    for (const label of group!.split(',').map((l) => l.trim()).filter(Boolean)) {
      if (!usable.has(label)) problems.push(`by (${label}): no selected series has that label`);
    }
  }
  return problems;
}
