// The audit trail as CSV (RFC 4180), one row per entry, for auditors and spreadsheets: who (Slack
// ID and display name), did what, about which cluster, namespace, workload and container, with
// which verdict, plus the hashes that tie the row to the chain. Cells that a spreadsheet would run
// as a formula (=, +, -, @, tab, carriage return first) get a leading apostrophe.
import type { AuditEntry } from './entry.ts';
import { canonicalJson } from './entry.ts';

export const AUDIT_CSV_COLUMNS = [
  'seq', 'at', 'action', 'outcome', 'actor', 'actor_name',
  'cluster', 'namespace', 'workload_kind', 'workload', 'pod', 'container', 'kind', 'family', 'fingerprint', 'incident_id',
  'verdict_allowed', 'policy', 'recommended_limit', 'recommended_request', 'details', 'hash', 'prev_hash',
] as const;

function cell(value: string | number | boolean | undefined): string {
  if (value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function auditCsvHeader(): string {
  return AUDIT_CSV_COLUMNS.join(',');
}

export function auditCsvRow(e: AuditEntry): string {
  const s = e.subject;
  const values: Record<(typeof AUDIT_CSV_COLUMNS)[number], string | number | boolean | undefined> = {
    seq: e.seq,
    at: e.at,
    action: e.action,
    outcome: e.outcome,
    actor: e.actor,
    actor_name: e.actorName,
    cluster: s?.cluster,
    namespace: s?.namespace,
    workload_kind: s?.workload?.kind,
    workload: s?.workload?.name,
    pod: s?.pod,
    container: s?.container,
    kind: s?.kind,
    family: s?.family,
    fingerprint: s?.fingerprint,
    incident_id: e.incidentId,
    verdict_allowed: e.verdict?.allowed,
    policy: e.verdict?.policyName,
    recommended_limit: e.recommendation?.limit,
    recommended_request: e.recommendation?.request,
    details: e.details && Object.keys(e.details).length > 0 ? canonicalJson(e.details) : undefined,
    hash: e.hash,
    prev_hash: e.prevHash,
  };
  return AUDIT_CSV_COLUMNS.map((c) => cell(values[c])).join(',');
}
