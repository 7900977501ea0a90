// The detection thresholds in force per namespace: the agent's settings (CPU_THROTTLING_*, the
// crash-loop default), overridden by the namespace's policy `thresholds`. Read on every use, so a
// policy's answer is the one loaded at start, the same for scans, the watches and the CLI.
import type { Config } from '../config/env.ts';
import { DEFAULT_CRASH_LOOP_RESTARTS } from '../core/detection/oom-crash-loop.ts';
import { rulesWith } from '../core/detection/registry.ts';
import type { DetectionRule } from '../core/detection/rule.ts';
import { detectionThresholds, type DetectionThresholds } from '../core/policy/evaluate.ts';
import type { PolicySet } from '../core/policy/schema.ts';

export interface DetectionSettings {
  thresholds(namespace: string): DetectionThresholds;
  rulesFor(namespace: string): readonly DetectionRule[];
}

/** Without the CPU settings (the CLI judges no throttling), CPU throttling is off unless a policy turns it on. */
export function detectionSettings(policies: PolicySet, config?: Pick<Config, 'CPU_THROTTLING_PERCENT' | 'CPU_THROTTLING_MINUTES'>): DetectionSettings {
  const defaults: DetectionThresholds = {
    crashLoopRestarts: DEFAULT_CRASH_LOOP_RESTARTS,
    cpuThrottlingPercent: config?.CPU_THROTTLING_PERCENT ?? 0,
    cpuThrottlingMinutes: config?.CPU_THROTTLING_MINUTES ?? 15,
  };
  const thresholds = (namespace: string) => detectionThresholds(policies, namespace, defaults);
  return {
    thresholds,
    rulesFor: (namespace) => rulesWith({ crashLoopRestarts: thresholds(namespace).crashLoopRestarts }),
  };
}
