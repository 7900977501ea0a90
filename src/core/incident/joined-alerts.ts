// An Alertmanager alert about a pod the rules already track joins that incident rather than
// opening a second one; its name is kept on the incident, so the message shows that the alert a
// team already trusts fired about it too. Pure: the alert job stores and repaints.
import type { IncidentReport } from '../model.ts';

/** Enough to read at a glance in one Slack field; later names add nothing a person acts on. */
export const MAX_JOINED_ALERTS = 5;

/** The alerts the incident shows beside where it was found: none the source already names. */
export function joinedAlerts(report: Pick<IncidentReport, 'alerts' | 'source'>): string[] {
  const named = report.source?.kind === 'alert' ? report.source.name : undefined;
  return (report.alerts ?? []).filter((a) => a !== named);
}

/** The incident with this alert joined; undefined when it already shows it (a redelivery) or is full. */
export function joinAlert(report: IncidentReport, alertname: string): IncidentReport | undefined {
  const name = alertname.trim();
  if (!name || (report.source?.kind === 'alert' && report.source.name === name)) return undefined;
  const alerts = report.alerts ?? [];
  if (alerts.includes(name) || alerts.length >= MAX_JOINED_ALERTS) return undefined;
  return { ...report, alerts: [...alerts, name] };
}
