// OOMKilled: the kernel killed a container for exceeding its memory limit. Looks at every
// container (app, init, sidecar, ephemeral) and at the previous termination too, so a pod that
// OOMed and is Running again still counts.
import type { ContainerSnapshot, Detection, PodSnapshot, Termination } from '../model.ts';
import type { DetectionRule } from './rule.ts';
import { baseDetection, contextFacts, stateFact, terminationFact } from './facts.ts';

export const OOM_REASON = 'OOMKilled';

/** The OOMKilled termination of a container, current first, else the previous one. */
export function oomTermination(c: ContainerSnapshot): { where: 'state' | 'lastState'; t: Termination } | undefined {
  if (c.state.kind === 'terminated' && c.state.reason === OOM_REASON) {
    const { kind: _kind, ...t } = c.state;
    return { where: 'state', t };
  }
  if (c.lastTermination?.reason === OOM_REASON) return { where: 'lastState', t: c.lastTermination };
  return undefined;
}

export const oomKilledRule: DetectionRule = {
  id: 'oom-killed',
  detect(pod: PodSnapshot): Detection[] {
    return pod.containers.flatMap((c) => {
      const oom = oomTermination(c);
      if (!oom) return [];
      const current = oom.where === 'lastState' ? stateFact(c) : undefined;
      return [
        {
          kind: 'OOMKilled' as const,
          ...baseDetection(pod, c, c.name),
          reason: OOM_REASON,
          ...(oom.t.exitCode !== undefined ? { exitCode: oom.t.exitCode } : {}),
          ...(oom.t.finishedAt ? { lastTerminatedAt: oom.t.finishedAt } : {}),
          facts: [terminationFact(c, oom.where, oom.t), ...(current ? [current] : []), ...contextFacts(pod, c)],
        },
      ];
    });
  },
};
