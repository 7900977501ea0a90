// Alerts follow their cluster. With several clusters behind one URL (one Alertmanager for all, or
// agents behind one ingress), any agent may receive an alert about another cluster's pod, and
// only that cluster's agent can read the pod. An alert whose cluster label names another cluster
// with a live agent goes to that agent's alert queue; every other alert stays here, so a single
// cluster (whatever its label says) is served as before.
import type { AlertmanagerWebhook } from './webhook-payload.ts';

export interface AlertRouting {
  /** The notification with the alerts this agent maps, if any. */
  own?: AlertmanagerWebhook;
  /** Per cluster name, the same notification with that cluster's alerts only. */
  routed: Map<string, AlertmanagerWebhook>;
}

export function routeAlerts(payload: AlertmanagerWebhook, opts: { label: string; self: string | undefined; live: ReadonlySet<string> }): AlertRouting {
  const groups = new Map<string | undefined, AlertmanagerWebhook['alerts']>();
  for (const alert of payload.alerts) {
    const named = alert.labels[opts.label]?.trim();
    const to = named && named !== opts.self && opts.live.has(named) ? named : undefined;
    groups.set(to, [...(groups.get(to) ?? []), alert]);
  }
  const routed = new Map<string, AlertmanagerWebhook>();
  for (const [cluster, alerts] of groups) if (cluster !== undefined) routed.set(cluster, { ...payload, alerts });
  const own = groups.get(undefined);
  // A notification with no alerts at all stays whole: it is still this agent's to record.
  if (own || payload.alerts.length === 0) return { own: own ? { ...payload, alerts: own } : payload, routed };
  return { routed };
}
