// What an audit entry is about, written into the entry itself so it reads on its own years later,
// after the incident has expired from the store: the cluster (when the agent knows its name), the
// namespace, the workload and container, the incident kind and family, and its fingerprint.
import { z } from 'zod';
import { incidentFamily } from '../detection/family.ts';
import type { Detection, WorkloadRef } from '../model.ts';

const Name = z.string().min(1).max(253);

export const AuditSubjectSchema = z.strictObject({
  cluster: Name.optional(),
  namespace: Name,
  workload: z.strictObject({ kind: Name, name: Name }).optional(),
  pod: Name.optional(),
  container: Name.optional(),
  /** Incident kind (OOMKilled, CrashLoop...) and its family (memory, crash...). */
  kind: z.string().min(1).max(60).optional(),
  family: z.string().min(1).max(30).optional(),
  fingerprint: z.string().min(1).max(300).optional(),
});
export type AuditSubject = z.infer<typeof AuditSubjectSchema>;

/** The subject of an incident (a report, or a detection the scan found), in the cluster it carries or `cluster`. */
export function auditSubject(incident: { detection: Detection; workload: WorkloadRef; fingerprint: string; cluster?: string | undefined }, cluster?: string): AuditSubject {
  const d = incident.detection;
  const where = incident.cluster ?? cluster;
  return {
    ...(where ? { cluster: where } : {}),
    namespace: d.namespace,
    workload: { kind: incident.workload.kind, name: incident.workload.name },
    pod: d.pod,
    container: d.container,
    kind: d.kind,
    family: incidentFamily(d.kind),
    fingerprint: incident.fingerprint,
  };
}

/** "Deployment/checkout in demo (container app) on prod-eu" — for people reading a line. */
export function describeSubject(s: AuditSubject): string {
  const what = s.workload ? `${s.workload.kind}/${s.workload.name}` : undefined;
  const where = what ? `${what} in ${s.namespace}` : `namespace ${s.namespace}`;
  const container = s.container ? ` (container ${s.container})` : '';
  const cluster = s.cluster ? ` on ${s.cluster}` : '';
  return `${where}${container}${cluster}`;
}
