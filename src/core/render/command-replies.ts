// Text answers to `/sre incidents | history | audit | policy`: short mrkdwn, every stored or
// typed string escaped, cut visibly to stay under Slack's message size.
import type { AuditEntry } from '../audit/entry.ts';
import { describeSubject } from '../audit/subject.ts';
import type { IncidentReport, WorkloadRef } from '../model.ts';
import type { PolicySet } from '../policy/schema.ts';
import type { AuditVerifyResult } from '../audit/verify-result.ts';
import type { IncidentHistory } from '../incident/history.ts';
import { escapeMrkdwn, mention, slackDate, truncate } from './escape.ts';
import { messageLink } from './scan-summary.ts';
import { hasResourceDecision, incidentFamily } from '../detection/family.ts';

/** Under Slack's 4000-character guidance for a message's text. */
export const REPLY_MAX = 3900;
const MAX_LIST = 25;

const esc = (s: string, max = 200) => escapeMrkdwn(truncate(s.replace(/\s+/g, ' '), max));
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function finish(lines: string[]): string {
  return truncate(lines.join('\n'), REPLY_MAX);
}

/**
 * Whole lines only (a cut inside <link|label> or a date would break the markup), as many as fit
 * in `budget` characters with room left for the note saying how many were left out.
 */
function fitLines(lines: readonly string[], budget: number, max = MAX_LIST): string[] {
  const kept: string[] = [];
  let used = 0;
  const noteRoom = 40;
  for (const line of lines) {
    if (kept.length >= max || used + line.length + 1 + noteRoom > budget) break;
    kept.push(line);
    used += line.length + 1;
  }
  if (kept.length < lines.length) kept.push(`_… and ${lines.length - kept.length} more_`);
  return kept;
}

const used = (lines: readonly string[]) => lines.reduce((n, l) => n + l.length + 1, 0);

export function incidentsReply(reports: readonly IncidentReport[]): string {
  if (reports.length === 0) return 'No open incidents.';
  const head = [`*Open incidents* (${reports.length}):`];
  const items = reports.map((r) => {
    const where = r.cluster ? `${r.cluster}/${r.detection.namespace}` : r.detection.namespace;
    const label = esc(`${r.detection.kind} (${incidentFamily(r.detection.kind)}) ${r.workload.kind}/${r.workload.name} in ${where}`, 150);
    const title = r.slack ? `<${messageLink(r.slack)}|${label}>` : label;
    const status = r.status === 'open' ? (hasResourceDecision(r.detection.kind) ? 'awaiting a decision' : 'open') : r.status;
    return `• ${title} — ${status}, ${plural(r.occurrences, 'occurrence')}, last seen ${slackDate(r.lastSeen)}`;
  });
  return finish([...head, ...fitLines(items, REPLY_MAX - used(head))]);
}

export interface WorkloadHistoryEntry {
  namespace: string;
  workload: WorkloadRef;
  history: IncidentHistory;
}

function decisionLine(d: NonNullable<IncidentHistory['incidents'][number]['decision']>): string {
  const verb = d.action === 'approve' ? 'approved' : 'rejected';
  const reason = d.reason?.trim() ? ` ("${esc(d.reason, 200)}")` : '';
  return `${verb} by ${mention(d.userId, d.userName)} on ${slackDate(d.at)}${reason}`;
}

export function historyReply(asked: string, entries: readonly WorkloadHistoryEntry[]): string {
  if (entries.length === 0) return `No incidents remembered for ${esc(asked, 300)}.`;
  const lines: string[] = [];
  for (const { namespace, workload, history: h } of entries) {
    lines.push(
      `*${esc(`${workload.kind}/${workload.name}`, 150)}* in ${esc(namespace, 63)}: ${plural(h.count, 'incident')}, ${plural(h.totalOccurrences, 'occurrence')}` +
        (h.firstSeen ? `, first seen ${slackDate(h.firstSeen)}` : '') +
        (h.lastSeen ? `, last seen ${slackDate(h.lastSeen)}` : ''),
    );
    // Oldest first, so the line reads as the limit's history.
    const limits = [...h.incidents].reverse().map((i) => i.memoryLimit ?? 'none');
    const changes = limits.filter((l, i) => i === 0 || l !== limits[i - 1]);
    if (changes.length > 0) lines.push(`Memory limit over time: ${changes.map((l) => esc(l, 20)).join(' → ')}`);
    const items = h.incidents.map((i) => {
      const decided = i.decision ? `; ${decisionLine(i.decision)}` : '';
      const resolved = i.resolvedAt ? `; resolved ${slackDate(i.resolvedAt)}` : '';
      const cluster = i.cluster ? ` on cluster ${esc(i.cluster, 100)}` : '';
      return (
        `• ${slackDate(i.firstSeen)} ${esc(i.kind, 40)} (${incidentFamily(i.kind)}) in container ${esc(i.container, 63)}${cluster}: ${incidentFamily(i.kind) === 'cpu' ? `CPU limit ${esc(i.cpuLimit ?? 'none', 20)}` : `limit ${esc(i.memoryLimit ?? 'none', 20)}`}, ` +
        `recommended ${esc(i.recommendedLimit, 20)}, ${plural(i.occurrences, 'occurrence')}, ${i.status}${decided}${resolved}`
      );
    });
    // Several workloads share the message: each gets an equal share of what is left.
    lines.push(...fitLines(items, Math.floor((REPLY_MAX - used(lines)) / Math.max(1, entries.length))));
    if (h.count > h.incidents.length) lines.push(`_… ${h.count - h.incidents.length} older not shown_`);
  }
  return finish(lines);
}

function verifyLine(v: AuditVerifyResult | { error: string }): string {
  if ('error' in v) return `Chain check: could not run (${esc(v.error, 200)}).`;
  if (v.ok) return `Chain check: intact (${plural(v.entries, 'entry', 'entries')} verified).`;
  return `Chain check: ⚠️ BROKEN at entry ${v.firstBadIndex ?? v.entries}: ${esc(v.problem ?? 'unknown problem', 300)}`;
}

function entryLine(e: AuditEntry): string {
  const who = e.actor === 'system' ? 'system' : `${mention(e.actor)}${e.actorName ? ` (${esc(e.actorName, 80)})` : ''}`;
  // What it is about: the subject when the entry names one (entries written before subjects only have the id).
  const s = e.subject;
  const about = s ? ` — ${esc(describeSubject(s), 200)}${s.kind ? ` · ${esc(s.kind, 40)}${s.family ? ` (${esc(s.family, 20)})` : ''}` : ''}` : '';
  const incident = `${about}${e.incidentId ? ` ${esc(e.incidentId, 80)}` : ''}`;
  const details = e.details
    ? Object.entries(e.details)
        .slice(0, 6)
        .map(([k, v]) => `${esc(k, 30)}=${esc(String(v), 80)}`)
        .join(' ')
    : '';
  return `• #${e.seq} ${slackDate(e.at)} ${esc(e.action, 40)} by ${who}${incident}: ${esc(e.outcome, 120)}${details ? ` _${details}_` : ''}`;
}

export function auditReply(entries: readonly AuditEntry[], check: AuditVerifyResult | { error: string }): string {
  const lines = [verifyLine(check)];
  if (entries.length === 0) lines.push('The audit trail is empty.');
  else {
    lines.push(`*Latest ${plural(entries.length, 'audit entry', 'audit entries')}* (newest first):`);
    lines.push(...fitLines(entries.map(entryLine), REPLY_MAX - used(lines), Infinity));
  }
  return finish(lines);
}

export function policyReply(namespace: string, lines: readonly string[]): string {
  return finish([`*Policy for namespace ${esc(namespace, 63)}*`, ...lines.map((l) => `• ${esc(l, 500)}`)]);
}

/** `/sre policy` without a namespace: every loaded policy in one line each. */
export function policiesOverviewReply(policies: PolicySet): string {
  if (policies.length === 0) return 'No policies are loaded: no incident can be approved.';
  const head = [`*Policies* (${policies.length}); \`/sre policy <namespace>\` shows the one that applies:`];
  const tail = 'Auto-remediation is off everywhere: a human applies every change.';
  const items = policies.map((p) => {
    const s = p.spec;
    const approvers = s.approvers.length ? s.approvers.slice(0, 10).map((a) => mention(a)).join(', ') + (s.approvers.length > 10 ? ` and ${s.approvers.length - 10} more` : '') : 'nobody';
    const prot = s.protectedNamespaces.length ? `; protects ${esc(s.protectedNamespaces.join(', '), 300)}` : '';
    return `• ${esc(p.metadata.name, 63)}: namespaces ${esc(s.namespaces.join(', '), 300)}; max limit ${esc(s.maxMemoryLimit, 20)}, max ×${s.maxIncreaseFactor}; approvers ${approvers}${prot}`;
  });
  return finish([...head, ...fitLines(items, REPLY_MAX - used(head) - tail.length - 1), tail]);
}
