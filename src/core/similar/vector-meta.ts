// What is kept beside an incident's embedding: enough to rank and show it without reading the
// incident. Decisions are not kept here; they are read from the incident when it is shown.
import { z } from 'zod';
import type { IncidentReport } from '../model.ts';
import { incidentOneLiner, workloadKey } from './summary.ts';

export const VectorMetaSchema = z.object({
  id: z.string(),
  fingerprint: z.string(),
  /** "ns/Kind/name", see workloadKey(). */
  workload: z.string(),
  summary: z.string(),
  lastSeen: z.string(),
});
export type VectorMeta = z.infer<typeof VectorMetaSchema>;

export function vectorMeta(report: IncidentReport): VectorMeta {
  return {
    id: report.id,
    fingerprint: report.fingerprint,
    workload: workloadKey(report),
    summary: incidentOneLiner(report),
    lastSeen: report.lastSeen,
  };
}
