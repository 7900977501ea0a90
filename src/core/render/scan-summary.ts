// The one-line answers to `/sre scan`: a summary of what the scan found, or why it could not run.
import { escapeMrkdwn } from './escape.ts';
import { incidentFamily } from '../detection/family.ts';
import { IncidentFamilySchema, type IncidentFamily, type IncidentKind } from '../model.ts';
import type { ErrorCode } from '../errors.ts';

export interface ScanSummaryInput {
  namespace: string;
  podsChecked: number;
  newCount: number;
  known: Array<{ pod: string; kind: string; link?: string }>;
  resolvedCount: number;
  /** Incidents found per family (memory, crash...); when absent they are all memory incidents. */
  families?: Partial<Record<IncidentFamily, number>>;
}

/** How many of `kinds` fall in each family, in the families' own order. */
export function familyCounts(kinds: IncidentKind[]): Partial<Record<IncidentFamily, number>> {
  const counts: Partial<Record<IncidentFamily, number>> = {};
  for (const f of IncidentFamilySchema.options) {
    const n = kinds.filter((k) => incidentFamily(k) === f).length;
    if (n > 0) counts[f] = n;
  }
  return counts;
}

export function scanSummaryText(s: ScanSummaryInput): string {
  const ns = escapeMrkdwn(s.namespace);
  const total = s.newCount + s.known.length;
  const checked = `${s.podsChecked} pod${plural(s.podsChecked)} checked`;
  if (total === 0) {
    const resolved = s.resolvedCount ? `; ${s.resolvedCount} incident${plural(s.resolvedCount)} resolved` : '';
    return `No incidents in ${ns} (${checked})${resolved}.`;
  }
  const families = Object.entries(s.families ?? {}).filter(([, n]) => n > 0);
  const onlyMemory = families.every(([f]) => f === 'memory');
  const head = onlyMemory
    ? `Scan of ${ns}: ${total} memory incident${plural(total)} (${checked}).`
    : `Scan of ${ns}: ${total} incident${plural(total)}: ${families.map(([f, n]) => `${n} ${f}`).join(', ')} (${checked}).`;
  const parts = [head];
  if (s.newCount) parts.push(`${s.newCount} new: analysis under way, each will be posted in the incident channel.`);
  for (const k of s.known.slice(0, 20)) {
    const name = `${escapeMrkdwn(k.pod)} (${escapeMrkdwn(k.kind)})`;
    parts.push(`• already reported: ${k.link ? `<${k.link}|${name}>` : name}`);
  }
  if (s.known.length > 20) parts.push(`… and ${s.known.length - 20} more (see /sre incidents).`);
  if (s.resolvedCount) parts.push(`${s.resolvedCount} incident${plural(s.resolvedCount)} resolved.`);
  return parts.join('\n');
}

/** One clear line for a scan that could not run. */
export function scanFailureText(namespace: string, code: ErrorCode | undefined, message: string): string {
  const ns = escapeMrkdwn(namespace);
  switch (code) {
    case 'k8s_not_found': return `Namespace ${ns} does not exist.`;
    case 'k8s_forbidden': return `Not allowed to read namespace ${ns}: the agent's RBAC role does not cover it.`;
    case 'k8s_unreachable': return `The Kubernetes API server is unreachable; scan of ${ns} not run.`;
    default: return `Scan of ${ns} failed: ${escapeMrkdwn(message.split('\n')[0] ?? '')}`;
  }
}

function plural(n: number): string {
  return n === 1 ? '' : 's';
}

/** A link to a message that Slack resolves in any workspace the reader belongs to. */
export function messageLink(ref: { channel: string; ts: string }): string {
  return `https://slack.com/archives/${encodeURIComponent(ref.channel)}/p${ref.ts.replace('.', '')}`;
}
