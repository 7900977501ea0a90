// What each incident kind is, in one table: the family people see (memory, crash, image...), the
// problem group that fingerprints share, which kind wins when several describe one container, and
// its label. Kinds in one problem group describe the same trouble of one container, so a container
// moving from OOMKilled to OOMCrashLoop (or from CrashLoop to ProbeKill) stays one incident.
// Problem group names are part of stored fingerprints: never rename one.
import type { IncidentFamily, IncidentKind } from '../model.ts';

export type ProblemGroup = 'oom' | 'eviction' | 'leak' | 'crash' | 'image' | 'config' | 'unschedulable' | 'node' | 'job' | 'cpu-throttling' | 'process-oom' | 'alert';

interface KindInfo {
  family: IncidentFamily;
  group: ProblemGroup;
  /** Within a group the higher priority wins for one container. */
  priority: number;
  label: string;
}

const KINDS: Record<IncidentKind, KindInfo> = {
  OOMKilled: { family: 'memory', group: 'oom', priority: 1, label: 'OOMKilled' },
  OOMCrashLoop: { family: 'memory', group: 'oom', priority: 2, label: 'OOM crash loop' },
  EvictedMemory: { family: 'memory', group: 'eviction', priority: 1, label: 'Evicted for memory' },
  MemoryLeakForecast: { family: 'memory', group: 'leak', priority: 1, label: 'Memory leak forecast' },
  CrashLoop: { family: 'crash', group: 'crash', priority: 1, label: 'Crash loop' },
  ProbeKill: { family: 'crash', group: 'crash', priority: 2, label: 'Killed by its probe' },
  ImagePullFailure: { family: 'image', group: 'image', priority: 1, label: 'Image pull failure' },
  ConfigError: { family: 'config', group: 'config', priority: 1, label: 'Container config error' },
  Unschedulable: { family: 'scheduling', group: 'unschedulable', priority: 1, label: 'Unschedulable pod' },
  CpuThrottling: { family: 'cpu', group: 'cpu-throttling', priority: 1, label: 'CPU throttling' },
  NodePressure: { family: 'node', group: 'node', priority: 1, label: 'Node under pressure' },
  // A crash whose log shows the runtime's own heap running out: the crash loop's more specific form.
  RuntimeOOM: { family: 'memory', group: 'crash', priority: 3, label: 'Runtime heap out of memory' },
  JobBackoffLimit: { family: 'crash', group: 'job', priority: 1, label: 'Job failed its backoff limit' },
  // A process inside a container that keeps running was OOM-killed (a child, a worker): only a
  // Warning event says so. Its own group: the container's status never changes, so it cannot
  // share an incident with OOMKilled without the two kinds taking turns on every scan.
  ProcessOOM: { family: 'memory', group: 'process-oom', priority: 1, label: 'Process OOM-killed in a running container' },
  // Incidents opened by an Alertmanager alert: fingerprinted from the alert, not by these groups.
  MemoryAlert: { family: 'memory', group: 'alert', priority: 1, label: 'Memory alert' },
  CrashAlert: { family: 'crash', group: 'alert', priority: 1, label: 'Crash alert' },
  ImageAlert: { family: 'image', group: 'alert', priority: 1, label: 'Image alert' },
  ConfigAlert: { family: 'config', group: 'alert', priority: 1, label: 'Config alert' },
  SchedulingAlert: { family: 'scheduling', group: 'alert', priority: 1, label: 'Scheduling alert' },
  NodeAlert: { family: 'node', group: 'alert', priority: 1, label: 'Node alert' },
  CpuAlert: { family: 'cpu', group: 'alert', priority: 1, label: 'CPU alert' },
  IoAlert: { family: 'io', group: 'alert', priority: 1, label: 'IO alert' },
  NetworkAlert: { family: 'network', group: 'alert', priority: 1, label: 'Network alert' },
};

/** The alert kind of each family (an alert the rules do not flag becomes one of these). */
export const ALERT_KINDS: Readonly<Record<IncidentFamily, IncidentKind>> = {
  memory: 'MemoryAlert',
  crash: 'CrashAlert',
  image: 'ImageAlert',
  config: 'ConfigAlert',
  scheduling: 'SchedulingAlert',
  node: 'NodeAlert',
  cpu: 'CpuAlert',
  io: 'IoAlert',
  network: 'NetworkAlert',
};

// Families whose incidents carry a resource recommendation (a memory or CPU limit) that people
// approve or reject; the others are acknowledged or muted.
const RESOURCE_FAMILIES: ReadonlySet<IncidentFamily> = new Set(['memory', 'cpu']);

export function incidentFamily(kind: IncidentKind): IncidentFamily {
  return KINDS[kind].family;
}

export function problemGroup(kind: IncidentKind): ProblemGroup {
  return KINDS[kind].group;
}

export function kindPriority(kind: IncidentKind): number {
  return KINDS[kind].priority;
}

export function kindLabel(kind: IncidentKind): string {
  return KINDS[kind].label;
}

/** An incident opened by an Alertmanager alert: it is resolved by the alert, never by a scan. */
export function isAlertKind(kind: IncidentKind): boolean {
  return KINDS[kind].group === 'alert';
}

/**
 * Memory and CPU incidents come with a resource change to approve or reject; the rest do not.
 * Nor does an alert: it carries no measured termination or throttling to size a limit from.
 */
export function hasResourceDecision(kind: IncidentKind): boolean {
  return RESOURCE_FAMILIES.has(incidentFamily(kind)) && !isAlertKind(kind);
}
