// Every detection rule, in one array. Adding a rule = one file + one line here + one test.
import type { Detection, IncidentKind, PodSnapshot } from '../model.ts';
import type { DetectionRule } from './rule.ts';
import { oomCrashLoopRule } from './oom-crash-loop.ts';
import { oomKilledRule } from './oom-killed.ts';
import { evictedMemoryRule } from './evicted-memory.ts';
import { incidentFamily } from './family.ts';

export const DETECTION_RULES: readonly DetectionRule[] = [oomCrashLoopRule, oomKilledRule, evictedMemoryRule];

// Within a family one container yields one detection; the more specific kind wins.
const PRIORITY: Record<IncidentKind, number> = { OOMCrashLoop: 2, OOMKilled: 1, EvictedMemory: 1, MemoryLeakForecast: 1 };

export function detectIncidents(pods: PodSnapshot[], rules: readonly DetectionRule[] = DETECTION_RULES): Detection[] {
  const out: Detection[] = [];
  for (const pod of pods) {
    const kept = new Map<string, Detection>();
    for (const rule of rules) {
      for (const d of rule.detect(pod)) {
        const key = JSON.stringify([d.container, incidentFamily(d.kind)]);
        const prev = kept.get(key);
        if (!prev || PRIORITY[d.kind] > PRIORITY[prev.kind]) kept.set(key, d);
      }
    }
    out.push(...kept.values());
  }
  return out;
}
