// Every detection rule, in one array. Adding a rule = one file + one line here + one test.
import type { Detection, EventSnapshot, PodSnapshot } from '../model.ts';
import type { DetectionRule, RuleContext } from './rule.ts';
import { configErrorRule } from './config-error.ts';
import { createCrashLoopRule, crashLoopRule } from './crash-loop.ts';
import { evictedMemoryRule } from './evicted-memory.ts';
import { kindPriority, problemGroup } from './family.ts';
import { imagePullCandidate, imagePullFailureRule } from './image-pull-failure.ts';
import { DEFAULT_CRASH_LOOP_RESTARTS, oomCrashLoopRule } from './oom-crash-loop.ts';
import { oomKilledRule } from './oom-killed.ts';
import { createProbeKillRule, probeKillCandidate, probeKillRule } from './probe-kill.ts';
import { processOomRule } from './process-oom.ts';
import { jobBackoffCandidate, jobBackoffRule } from './job-backoff.ts';
import { controllerOwner } from '../kube/workload.ts';
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
  jobBackoffRule,
  processOomRule,
];

/** What a namespace's policy may tune in the rules (memory rules are not tunable: they stay the same everywhere). */
export interface RuleSettings {
  /** Restarts before a container that is not backing off counts as crash-looping (crash family). */
  crashLoopRestarts: number;
}

const tuned = new Map<number, readonly DetectionRule[]>();

/** The rules with a namespace's settings; the same array for the same settings. */
export function rulesWith(settings: RuleSettings): readonly DetectionRule[] {
  const n = settings.crashLoopRestarts;
  if (n === DEFAULT_CRASH_LOOP_RESTARTS) return DETECTION_RULES;
  let rules = tuned.get(n);
  if (!rules) {
    const crash = createCrashLoopRule(n);
    const probe = createProbeKillRule(n);
    rules = DETECTION_RULES.map((r) => (r === crashLoopRule ? crash : r === probeKillRule ? probe : r));
    tuned.set(n, rules);
  }
  return rules;
}

/**
 * Runs the rules over each pod. Within a problem group one container yields one detection; the
 * more specific kind wins. `events` are the namespace's events, when the caller listed them.
 */
export function detectIncidents(
  pods: PodSnapshot[],
  rules: readonly DetectionRule[] = DETECTION_RULES,
  events: readonly EventSnapshot[] = [],
): Detection[] {
  const byObject = eventsByObject(events);
  const out: Detection[] = [];
  for (const pod of pods) {
    const owner = controllerOwner(pod);
    const ctx: RuleContext = {
      events: byObject.get(`Pod/${pod.name}`) ?? [],
      ...(owner ? { ownerEvents: byObject.get(`${owner.kind}/${owner.name}`) ?? [] } : {}),
    };
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

/** Events by "Kind/name" of the object they are about (an event without a kind is a pod's). */
function eventsByObject(events: readonly EventSnapshot[]): Map<string, EventSnapshot[]> {
  const out = new Map<string, EventSnapshot[]>();
  for (const e of events) {
    if (e.involvedName === undefined) continue;
    const key = `${e.involvedKind ?? 'Pod'}/${e.involvedName}`;
    out.set(key, [...(out.get(key) ?? []), e]);
  }
  return out;
}

/**
 * Whether any pod has a container whose rule reads its events (a kubelet kill without OOMKilled
 * may be a probe kill; the registry's own words about a failed pull are in an event): scans list
 * events only then, so healthy namespaces cost no extra request.
 */
export function needsEvents(pods: PodSnapshot[]): boolean {
  return pods.some((p) => jobBackoffCandidate(p) || p.containers.some((c) => probeKillCandidate(c) || imagePullCandidate(c)));
}
