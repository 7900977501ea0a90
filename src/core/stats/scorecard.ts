// The model scorecard: every decision is feedback on a recommendation, so per model and prompt
// version count what people approved and rejected, how often the model fell back to rules, how
// long it took to answer, and how long incidents waited for a human.
import type { IncidentFamily, IncidentReport } from '../model.ts';
import { familyCounts } from '../render/scan-summary.ts';
import { escapeMrkdwn, truncate } from '../render/escape.ts';
import { isoDay } from '../similar/summary.ts';

export const RULE_BASED = 'rule-based';

export interface ScorecardRow {
  /** LLM model name, or "rule-based" for diagnoses that fell back to the rules. */
  model: string;
  promptVersion: string;
  incidents: number;
  approved: number;
  rejected: number;
  undecided: number;
  /** approved / (approved + rejected); undefined before any decision. */
  approvalRate?: number;
  /** Fallback reason → count (rule-based rows). */
  fallbacks: Record<string, number>;
  /** Of diagnosis.latencyMs: time the model took to answer (or to fail, for fallbacks). */
  latencyMedianMs?: number;
  latencyP95Ms?: number;
  /** Median time from detection (firstSeen) to the decision. */
  timeToDecisionMedianMs?: number;
  /** Token counts Ollama reported, over the diagnoses that have them. */
  tokens?: { diagnoses: number; promptMedian: number; completionMedian: number; promptTotal: number; completionTotal: number };
  /** Diagnoses whose text tried to steer the decision. */
  steered?: number;
}

export interface Scorecard {
  now: string;
  incidents: number;
  /** Oldest firstSeen among the incidents counted. */
  since?: string;
  /** Most incidents first, then by model and prompt version. */
  rows: ScorecardRow[];
  /** Incidents per family (memory, crash...), in the families' order. */
  families?: Partial<Record<IncidentFamily, number>>;
  /** Incidents per cluster, most first; those stored before clusters were recorded are not counted. */
  clusters?: Array<{ cluster: string; incidents: number }>;
}

/** Median; the mean of the two middle values for an even count. */
export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Nearest-rank percentile (p in 0..100): the smallest value with at least p% of values at or below it. */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const s = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * s.length));
  return s[Math.min(rank, s.length) - 1]!;
}

function modelOf(r: IncidentReport): string {
  return r.diagnosis.source === 'llm' ? (r.diagnosis.model ?? 'unknown model') : RULE_BASED;
}

interface Acc {
  row: ScorecardRow;
  latencies: number[];
  waits: number[];
  prompt: number[];
  completion: number[];
}

export function computeScorecard(reports: readonly IncidentReport[], opts: { now: string }): Scorecard {
  const groups = new Map<string, Acc>();
  let since: string | undefined;
  for (const r of reports) {
    const model = modelOf(r);
    const promptVersion = r.diagnosis.promptVersion;
    const key = JSON.stringify([model, promptVersion]);
    let acc = groups.get(key);
    if (!acc) {
      acc = { row: { model, promptVersion, incidents: 0, approved: 0, rejected: 0, undecided: 0, fallbacks: {} }, latencies: [], waits: [], prompt: [], completion: [] };
      groups.set(key, acc);
    }
    const { row } = acc;
    row.incidents += 1;
    if (r.decision?.action === 'approve') row.approved += 1;
    else if (r.decision?.action === 'reject') row.rejected += 1;
    else row.undecided += 1;
    if (r.diagnosis.fallbackReason !== undefined) {
      row.fallbacks[r.diagnosis.fallbackReason] = (row.fallbacks[r.diagnosis.fallbackReason] ?? 0) + 1;
    }
    if (r.diagnosis.promptTokens !== undefined && r.diagnosis.completionTokens !== undefined) {
      acc.prompt.push(r.diagnosis.promptTokens);
      acc.completion.push(r.diagnosis.completionTokens);
    }
    if (r.diagnosis.steering?.length) row.steered = (row.steered ?? 0) + 1;
    const latency = r.diagnosis.latencyMs;
    if (latency !== undefined && Number.isFinite(latency) && latency >= 0) acc.latencies.push(latency);
    if (r.decision) {
      const wait = Date.parse(r.decision.at) - Date.parse(r.firstSeen);
      if (Number.isFinite(wait) && wait >= 0) acc.waits.push(wait);
    }
    const seen = Date.parse(r.firstSeen);
    if (Number.isFinite(seen) && (since === undefined || seen < Date.parse(since))) since = r.firstSeen;
  }
  const rows = [...groups.values()].map(({ row, latencies, waits, prompt, completion }) => {
    const decided = row.approved + row.rejected;
    const out: ScorecardRow = { ...row };
    if (decided > 0) out.approvalRate = row.approved / decided;
    const med = median(latencies);
    const p95 = percentile(latencies, 95);
    const wait = median(waits);
    if (med !== undefined) out.latencyMedianMs = med;
    if (p95 !== undefined) out.latencyP95Ms = p95;
    if (wait !== undefined) out.timeToDecisionMedianMs = wait;
    if (prompt.length > 0) {
      const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
      out.tokens = { diagnoses: prompt.length, promptMedian: median(prompt)!, completionMedian: median(completion)!, promptTotal: sum(prompt), completionTotal: sum(completion) };
    }
    return out;
  });
  rows.sort((a, b) => b.incidents - a.incidents || a.model.localeCompare(b.model) || a.promptVersion.localeCompare(b.promptVersion));
  const families = familyCounts(reports.map((r) => r.detection.kind));
  const perCluster = new Map<string, number>();
  for (const r of reports) if (r.cluster !== undefined) perCluster.set(r.cluster, (perCluster.get(r.cluster) ?? 0) + 1);
  const clusters = [...perCluster].map(([cluster, incidents]) => ({ cluster, incidents })).sort((a, b) => b.incidents - a.incidents || a.cluster.localeCompare(b.cluster));
  return { now: opts.now, incidents: reports.length, ...(since !== undefined ? { since } : {}), rows, families, ...(clusters.length > 0 ? { clusters } : {}) };
}

/** "850 ms", "8.4 s", "14 min", "95 min", "3.5 h", "2.1 d": whole minutes up to two hours. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 7_200_000) return `${Math.round(ms / 60_000)} min`;
  if (ms < 172_800_000) return `${(ms / 3_600_000).toFixed(1)} h`;
  return `${(ms / 86_400_000).toFixed(1)} d`;
}

const ROWS_SHOWN = 15;
const TEXT_MAX = 3500;

function rowText(row: ScorecardRow): string {
  const name = escapeMrkdwn(truncate(row.model, 80));
  const prompt = escapeMrkdwn(truncate(row.promptVersion, 60).replace(/`/g, 'ˋ'));
  const rate = row.approvalRate !== undefined ? `approval ${Math.round(row.approvalRate * 100)}%` : 'approval n/a';
  const lines = [
    `*${name}* · prompt \`${prompt}\``,
    `${row.incidents} incident${row.incidents === 1 ? '' : 's'} · ${row.approved} approved · ${row.rejected} rejected · ${row.undecided} undecided · ${rate}`,
  ];
  const timing: string[] = [];
  if (row.latencyMedianMs !== undefined) {
    const what = row.model === RULE_BASED ? 'wait before fallback' : 'LLM latency';
    timing.push(`${what} median ${formatDuration(row.latencyMedianMs)} · p95 ${formatDuration(row.latencyP95Ms ?? row.latencyMedianMs)}`);
  }
  if (row.timeToDecisionMedianMs !== undefined) timing.push(`detection to decision median ${formatDuration(row.timeToDecisionMedianMs)}`);
  if (timing.length) lines.push(timing.join(' · '));
  if (row.tokens) {
    const t = row.tokens;
    lines.push(`tokens per diagnosis: prompt median ${Math.round(t.promptMedian)} · completion median ${Math.round(t.completionMedian)} (total ${t.promptTotal} + ${t.completionTotal} over ${t.diagnoses})`);
  }
  if (row.steered) lines.push(`:warning: ${row.steered} answer${row.steered === 1 ? '' : 's'} tried to steer the decision (confidence capped)`);
  const fallbacks = Object.entries(row.fallbacks).sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
  if (fallbacks.length) lines.push(`fallbacks: ${fallbacks.map(([reason, n]) => `${escapeMrkdwn(truncate(reason, 60))} ${n}`).join(', ')}`);
  return lines.join('\n');
}

/** Slack mrkdwn for `/sre stats`; every name from the store is escaped. */
export function renderScorecard(card: Scorecard): string {
  const head = `*Model scorecard* — ${card.incidents} incident${card.incidents === 1 ? '' : 's'}${card.since ? ` since ${escapeMrkdwn(isoDay(card.since))}` : ''} (as of ${escapeMrkdwn(isoDay(card.now))})`;
  if (card.rows.length === 0) return `${head}\nNo incidents within retention yet: nothing to score.`;
  const byFamily = Object.entries(card.families ?? {}).map(([f, n]) => `${f} ${n}`);
  const byCluster = (card.clusters ?? []).slice(0, 20).map((c) => `${escapeMrkdwn(truncate(c.cluster, 60))} ${c.incidents}`);
  const summary = [head, ...(byFamily.length > 0 ? [`By family: ${byFamily.join(' · ')}`] : []), ...(byCluster.length > 0 ? [`By cluster: ${byCluster.join(' · ')}`] : [])].join('\n');
  const parts = [summary, ...card.rows.slice(0, ROWS_SHOWN).map(rowText)];
  if (card.rows.length > ROWS_SHOWN) parts.push(`_… ${card.rows.length - ROWS_SHOWN} more model/prompt combinations_`);
  return truncate(parts.join('\n\n'), TEXT_MAX);
}
