// One detection rule per file behind this interface; registry.ts runs them all.
import type { Detection, EventSnapshot, PodSnapshot } from '../model.ts';

export interface RuleContext {
  /** Events about this pod, when the caller listed them (scans do when a rule may need them). */
  events: readonly EventSnapshot[];
  /** Events about the pod's controlling owner (its Job, ReplicaSet...), when listed. */
  ownerEvents?: readonly EventSnapshot[];
}

export interface DetectionRule {
  id: string;
  detect(pod: PodSnapshot, ctx?: RuleContext): Detection[];
}
