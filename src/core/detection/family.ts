// Incident kinds that describe the same underlying problem share a family, so a container moving
// from OOMKilled to OOMCrashLoop stays one incident.
import type { IncidentKind } from '../model.ts';

export type IncidentFamily = 'oom' | 'eviction' | 'leak';

const FAMILY: Record<IncidentKind, IncidentFamily> = {
  OOMKilled: 'oom',
  OOMCrashLoop: 'oom',
  EvictedMemory: 'eviction',
  MemoryLeakForecast: 'leak',
};

export function incidentFamily(kind: IncidentKind): IncidentFamily {
  return FAMILY[kind];
}
