// An incident's past as the store remembers it (per fingerprint or per workload), for
// `/sre history` and for linking a recurrence to what came before.
import type { IncidentReport } from '../model.ts';

export interface IncidentHistoryItem {
  id: string;
  fingerprint: string;
  status: IncidentReport['status'];
  kind: IncidentReport['detection']['kind'];
  container: string;
  firstSeen: string;
  lastSeen: string;
  occurrences: number;
  /** The limit the container ran with, so limits over time can be shown. */
  memoryLimit?: string;
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
