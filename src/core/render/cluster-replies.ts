// `/sre clusters` and the plain answers a scan gets when its cluster cannot be told or reached.
import type { ClusterStatus } from '../cluster/heartbeat.ts';
import type { ScanRoute } from '../cluster/route-scan.ts';
import { escapeMrkdwn, slackDate, truncate } from './escape.ts';

const MAX_LISTED = 30;
const esc = (s: string, max = 100) => escapeMrkdwn(truncate(s, max));
const list = (names: readonly string[]) => names.slice(0, MAX_LISTED).map((n) => `\`${esc(n).replace(/`/g, 'ˋ')}\``).join(', ') + (names.length > MAX_LISTED ? ` and ${names.length - MAX_LISTED} more` : '');

function namespacesText(c: ClusterStatus): string {
  if (c.allNamespaces) return `every namespace it may list (${c.namespaces.length} now)`;
  if (c.namespaces.length === 0) return 'no namespaces yet';
  const shown = c.namespaces.slice(0, 8).map((n) => esc(n, 63)).join(', ');
  return c.namespaces.length > 8 ? `${shown} and ${c.namespaces.length - 8} more` : shown;
}

export function clustersReply(clusters: readonly ClusterStatus[]): string {
  if (clusters.length === 0) return 'No agent has reported in yet: no cluster is connected.';
  const live = clusters.filter((c) => c.live).length;
  const lines = [`*Clusters* (${live} live of ${clusters.length}):`];
  for (const c of clusters.slice(0, MAX_LISTED)) {
    if (c.live) {
      const agents = c.agents === 1 ? '1 agent' : `${c.agents} agents`;
      lines.push(`• :large_green_circle: *${esc(c.name)}* — ${agents}, version ${c.versions.map((v) => esc(v, 40)).join(' / ') || 'unknown'}, last heartbeat ${slackDate(c.lastBeat)}; scans ${namespacesText(c)}`);
    } else {
      lines.push(`• :red_circle: *${esc(c.name)}* — no live agent; last heartbeat ${slackDate(c.lastBeat)}`);
    }
  }
  if (clusters.length > MAX_LISTED) lines.push(`_… and ${clusters.length - MAX_LISTED} more_`);
  return lines.join('\n');
}

/** Why a scan was not started, in a line or two; names are escaped. */
export function scanRouteRefusal(route: Exclude<ScanRoute, { ok: true }>, command = '/sre'): string {
  switch (route.reason) {
    case 'no_live_agent': {
      const when = route.lastBeat ? ` (last heartbeat ${slackDate(route.lastBeat)})` : ' (no agent of that name has reported in)';
      const others = route.live.length > 0 ? ` Live clusters: ${list(route.live)}.` : '';
      return `Cluster \`${esc(route.cluster)}\` has no live agent${when}: nothing was scanned.${others}`;
    }
    case 'no_cluster':
      return `No cluster has a live agent: nothing was scanned in ${esc(route.namespace, 63)}.`;
    case 'which_cluster': {
      const where = route.candidates.length > 1
        ? `${esc(route.namespace, 63)} is in several clusters: ${list(route.candidates)}.`
        : `No live cluster lists ${esc(route.namespace, 63)} among the namespaces it scans. Live clusters: ${list(route.live)}.`;
      const example = route.candidates[0] ?? route.live[0] ?? 'cluster';
      return `Which cluster? ${where} Name it, e.g. \`${esc(command, 40)} scan ${esc(example)}/${esc(route.namespace, 63)}\`.`;
    }
  }
}
