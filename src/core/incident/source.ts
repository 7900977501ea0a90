// Words for where an incident was found, shared by the Slack message, the audit trail and metrics.
import type { IncidentSource } from '../model.ts';

/** Reports stored before sources were kept were all found by scans. */
export function sourceOf(report: { source?: IncidentSource | undefined }): IncidentSource {
  return report.source ?? { kind: 'scan' };
}

const PLAIN: Record<IncidentSource['kind'], string> = {
  scan: 'scan',
  watch: 'pod watch',
  event: 'Warning event',
  alert: 'Alertmanager alert',
};

/** "Warning event SystemOOM", "pod watch"; the name is untrusted text, escaped by the caller. */
export function describeSource(source: IncidentSource): { what: string; name?: string } {
  return { what: PLAIN[source.kind], ...(source.name ? { name: source.name } : {}) };
}

/** A compact form for audit details and logs: "alert:KubePodCrashLooping", "watch". */
export function sourceTag(source: IncidentSource): string {
  return source.name ? `${source.kind}:${source.name}` : source.kind;
}
