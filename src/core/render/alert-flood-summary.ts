// The one message that stands for an Alertmanager flood: how many alerts arrived at once, which
// were posted as incidents of their own, and what was folded, grouped by alert name and namespace
// so the shape of the flood (one node, one namespace, one rollout) shows at a glance. Names come
// from alert labels (untrusted, already cleaned): escaped and cut here.
import { codeSpan, escapeMrkdwn, truncate } from './escape.ts';

export interface FoldedAlert {
  alertname: string;
  namespace: string;
  severity?: string;
}

export interface AlertFloodSummaryInput {
  /** Firing alerts in the notification. */
  firing: number;
  /** New alert incidents opened from it (posted one message each). */
  opened: number;
  folded: readonly FoldedAlert[];
  /** Alertmanager's receiver and group labels, as it sent them. */
  receiver: string;
  groupLabels: Readonly<Record<string, string>>;
}

const NAMES_SHOWN = 8;
const NAMESPACES_SHOWN = 4;
const MAX_CHARS = 3500;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function alertFloodSummaryText(s: AlertFloodSummaryInput): string {
  const byName = new Map<string, FoldedAlert[]>();
  for (const a of s.folded) byName.set(a.alertname, [...(byName.get(a.alertname) ?? []), a]);
  const names = [...byName.entries()].sort(([a, x], [b, y]) => y.length - x.length || a.localeCompare(b));
  const group = Object.entries(s.groupLabels).map(([k, v]) => `${k}=${v}`).join(', ');
  const lines = [
    `🌊 *Alert flood*: Alertmanager sent ${plural(s.firing, 'firing alert')} at once` +
      ` (receiver ${codeSpan(truncate(s.receiver, 100))}${group ? `, group ${codeSpan(truncate(group, 200))}` : ''}).`,
    `The ${plural(s.opened, 'most severe new alert')} ${s.opened === 1 ? 'is' : 'are'} posted as incidents; ` +
      `*${s.folded.length}* more ${s.folded.length === 1 ? 'is' : 'are'} folded into this message instead of one message each:`,
  ];
  for (const [name, alerts] of names.slice(0, NAMES_SHOWN)) {
    const perNs = new Map<string, number>();
    for (const a of alerts) perNs.set(a.namespace, (perNs.get(a.namespace) ?? 0) + 1);
    const nss = [...perNs.entries()].sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
    const where = nss.slice(0, NAMESPACES_SHOWN).map(([ns, n]) => `${codeSpan(truncate(ns, 63))} ${n}`).join(', ');
    const more = nss.length > NAMESPACES_SHOWN ? ` and ${plural(nss.length - NAMESPACES_SHOWN, 'more namespace')}` : '';
    const severities = [...new Set(alerts.map((a) => a.severity).filter((x): x is string => Boolean(x)))].sort();
    const sev = severities.length ? ` (${escapeMrkdwn(truncate(severities.join('/'), 40))})` : '';
    lines.push(`• ${alerts.length} × ${codeSpan(truncate(name, 120))}${sev} in ${where}${more}`);
  }
  if (names.length > NAMES_SHOWN) lines.push(`• … and ${plural(names.length - NAMES_SHOWN, 'more alert name')}`);
  lines.push('_Folded alerts are not analyzed or posted one by one while Alertmanager keeps sending them; they remain in Alertmanager. A folded alert that resolves needs nothing here._');
  return truncate(lines.join('\n'), MAX_CHARS);
}
