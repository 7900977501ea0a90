// An incident's past as the store remembers it (per fingerprint or per workload), for
// `/sre history` and for linking a recurrence to what came before.
import type { IncidentReport } from '../model.ts';
import { approvedLimit } from '../recommend/approved.ts';
import { incidentFamily } from '../detection/family.ts';

export interface IncidentHistoryItem {
  id: string;
  fingerprint: string;
  /** The cluster it happened in, when recorded. */
  cluster?: string;
  status: IncidentReport['status'];
  kind: IncidentReport['detection']['kind'];
  container: string;
  firstSeen: string;
  lastSeen: string;
  occurrences: number;
  /** The limit the container ran with, so limits over time can be shown. */
  memoryLimit?: string;
  /** For CPU incidents, whose recommendation is a CPU limit: the CPU limit it ran with. */
  cpuLimit?: string;
  recommendedLimit: string;
  decision?: IncidentReport['decision'];
  resolvedAt?: string;
}

export interface IncidentHistory {
  /** Incidents the store still remembers for the query (within retention). */
  count: number;
  firstSeen?: string;
  lastSeen?: string;
  totalOccurrences: number;
  /** Newest first, at most `limit`. */
  incidents: IncidentHistoryItem[];
}

function historyItem(r: IncidentReport): IncidentHistoryItem {
  return {
    id: r.id,
    fingerprint: r.fingerprint,
    ...(r.cluster !== undefined ? { cluster: r.cluster } : {}),
    status: r.status,
    kind: r.detection.kind,
    container: r.detection.container,
    firstSeen: r.firstSeen,
    lastSeen: r.lastSeen,
    occurrences: r.occurrences,
    ...(r.detection.memoryLimit !== undefined ? { memoryLimit: r.detection.memoryLimit } : {}),
    ...(r.detection.cpuLimit !== undefined && incidentFamily(r.detection.kind) === 'cpu' ? { cpuLimit: r.detection.cpuLimit } : {}),
    recommendedLimit: approvedLimit(r),
    ...(r.decision ? { decision: r.decision } : {}),
    ...(r.resolvedAt !== undefined ? { resolvedAt: r.resolvedAt } : {}),
  };
}

/** Totals over every remembered incident; `reports` come newest first and only `limit` are listed. */
export function summarizeHistory(reports: readonly IncidentReport[], limit: number): IncidentHistory {
  let firstSeen: string | undefined;
  let lastSeen: string | undefined;
  let totalOccurrences = 0;
  for (const r of reports) {
    totalOccurrences += r.occurrences;
    if (firstSeen === undefined || Date.parse(r.firstSeen) < Date.parse(firstSeen)) firstSeen = r.firstSeen;
    if (lastSeen === undefined || Date.parse(r.lastSeen) > Date.parse(lastSeen)) lastSeen = r.lastSeen;
  }
  return {
    count: reports.length,
    ...(firstSeen !== undefined ? { firstSeen } : {}),
    ...(lastSeen !== undefined ? { lastSeen } : {}),
    totalOccurrences,
    incidents: reports.slice(0, Math.max(0, limit)).map(historyItem),
  };
}
