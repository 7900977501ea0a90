// Texts about an incident for similarity search: what gets embedded (the same words for the same
// kind of trouble, so like incidents land near each other), the one-line summary kept with the
// vector, what people decided, and the line a similar incident becomes in the LLM prompt.
import type { FoundIncident, IncidentReport, SimilarIncident } from '../model.ts';
import { approvedLimit } from '../recommend/approved.ts';

const FACTS_MAX = 4;
const FIELD_MAX = 300;
const ROOT_CAUSE_MAX = 2;
const REASON_MAX = 160;
const TIMESTAMP_FIELD = /\s*\b\w{1,40}=\d{4}-\d{2}-\d{2}T[\d:.]+(?:Z|[+-]\d{2}:?\d{2})?/g;

const clip = (text: string, max: number): string => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
};

function isReport(subject: IncidentReport | FoundIncident): subject is IncidentReport {
  return 'diagnosis' in subject;
}

/** "demo/Deployment/checkout": the key incidents of one workload share. */
export function workloadKey(subject: IncidentReport | FoundIncident): string {
  return `${subject.detection.namespace}/${subject.workload.kind}/${subject.workload.name}`;
}

/** The text embedded for an incident; a found incident has no root cause yet, so it has none here. */
export function incidentSummaryText(subject: IncidentReport | FoundIncident): string {
  const d = subject.detection;
  const lines = [
    `${d.kind}: ${subject.workload.kind} ${clip(subject.workload.name, FIELD_MAX)} in ${clip(d.namespace, FIELD_MAX)}, container ${clip(d.container, FIELD_MAX)} (${d.containerType})`,
    `memory limit ${d.memoryLimit ?? 'none'}, request ${d.memoryRequest ?? 'none'}`,
    `reason: ${clip(d.reason, FIELD_MAX)}`,
  ];
  // Timestamps differ between otherwise identical incidents; they only add noise to the vector.
  const facts = d.facts.slice(0, FACTS_MAX).map((f) => clip(f.slice(0, FIELD_MAX * 2).replace(TIMESTAMP_FIELD, ''), FIELD_MAX));
  if (facts.length > 0) lines.push(`facts: ${facts.join('; ')}`);
  if (isReport(subject)) {
    const causes = subject.diagnosis.rootCauses.slice(0, ROOT_CAUSE_MAX).map((c) => clip(c, FIELD_MAX));
    if (causes.length > 0) lines.push(`root cause: ${causes.join('; ')}`);
  }
  return lines.join('\n');
}

/** One line for people and the prompt: "OOMCrashLoop of container app at limit 128Mi: <root cause>". */
export function incidentOneLiner(report: IncidentReport): string {
  const d = report.detection;
  const limit = d.memoryLimit !== undefined ? `at limit ${d.memoryLimit}` : 'with no memory limit';
  const cause = report.diagnosis.rootCauses[0];
  return clip(`${d.kind} of container ${d.container} ${limit}${cause ? `: ${cause}` : ''}`, FIELD_MAX);
}

/** The calendar day of an ISO timestamp (UTC), or the text itself when it is not a date. */
export function isoDay(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? new Date(ms).toISOString().slice(0, 10) : clip(iso, 40);
}

/** "approved 512Mi on 2026-11-02" / "rejected on 2026-11-02: fixing the cache instead"; undefined before any decision. */
export function decisionText(report: IncidentReport): string | undefined {
  const dn = report.decision;
  if (!dn) return undefined;
  const day = isoDay(dn.at);
  if (dn.action === 'approve') return `approved ${approvedLimit(report)} on ${day}`;
  const reason = dn.reason?.trim();
  return `rejected on ${day}${reason ? `: ${clip(reason, REASON_MAX)}` : ''}`;
}

/** A similar incident as the LLM sees it (plain text; the prompt fences and neutralises it). */
export function similarLine(s: SimilarIncident): string {
  const same = [
    `${isoDay(s.lastSeen)} ${s.workload}: ${s.summary}`,
    s.decision !== undefined ? `decision: ${s.decision}` : 'no decision recorded',
    ...(s.recommendedLimit !== undefined ? [`recommended limit ${s.recommendedLimit}`] : []),
    `similarity ${s.score.toFixed(2)}`,
  ];
  return same.join('; ');
}
