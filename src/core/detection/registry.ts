// Every detection rule, in one array. Adding a rule = one file + one line here + one test.
import type { Detection, EventSnapshot, PodSnapshot } from '../model.ts';
import type { DetectionRule, RuleContext } from './rule.ts';
import { configErrorRule } from './config-error.ts';
import { crashLoopRule } from './crash-loop.ts';
import { evictedMemoryRule } from './evicted-memory.ts';
import { kindPriority, problemGroup } from './family.ts';
import { imagePullCandidate, imagePullFailureRule } from './image-pull-failure.ts';
import { oomCrashLoopRule } from './oom-crash-loop.ts';
import { oomKilledRule } from './oom-killed.ts';
import { probeKillCandidate, probeKillRule } from './probe-kill.ts';
import { unschedulableRule } from './unschedulable.ts';

export const DETECTION_RULES: readonly DetectionRule[] = [
  oomCrashLoopRule,
  oomKilledRule,
  evictedMemoryRule,
  crashLoopRule,
  probeKillRule,
  imagePullFailureRule,
  configErrorRule,
  unschedulableRule,
];

/**
 * Runs the rules over each pod. Within a problem group one container yields one detection; the
 * more specific kind wins. `events` are the namespace's events, when the caller listed them.
 */
export function detectIncidents(
  pods: PodSnapshot[],
  rules: readonly DetectionRule[] = DETECTION_RULES,
  events: readonly EventSnapshot[] = [],
): Detection[] {
  const byPod = eventsByPod(events);
  const out: Detection[] = [];
  for (const pod of pods) {
    const ctx: RuleContext = { events: byPod.get(pod.name) ?? [] };
    const kept = new Map<string, Detection>();
    for (const rule of rules) {
      for (const d of rule.detect(pod, ctx)) {
        const key = JSON.stringify([d.container, problemGroup(d.kind)]);
        const prev = kept.get(key);
        if (!prev || kindPriority(d.kind) > kindPriority(prev.kind)) kept.set(key, d);
      }
    }
    out.push(...kept.values());
  }
  return out;
}

function eventsByPod(events: readonly EventSnapshot[]): Map<string, EventSnapshot[]> {
  const out = new Map<string, EventSnapshot[]>();
  for (const e of events) {
    if (e.involvedKind !== undefined && e.involvedKind !== 'Pod') continue;
    if (e.involvedName === undefined) continue;
    const list = out.get(e.involvedName) ?? [];
    list.push(e);
    out.set(e.involvedName, list);
  }
  return out;
}

/**
 * Whether any pod has a container whose rule reads its events (a kubelet kill without OOMKilled
 * may be a probe kill; the registry's own words about a failed pull are in an event): scans list
 * events only then, so healthy namespaces cost no extra request.
 */
export function needsEvents(pods: PodSnapshot[]): boolean {
  return pods.some((p) => p.containers.some((c) => probeKillCandidate(c) || imagePullCandidate(c)));
}
