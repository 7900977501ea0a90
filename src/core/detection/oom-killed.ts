// OOMKilled: the kernel killed a container for exceeding its memory limit. Looks at every
// container (app, init, sidecar, ephemeral) and at the previous termination too, so a pod that
// OOMed and is Running again still counts.
import type { Detection, PodSnapshot } from '../model.ts';
import type { DetectionRule } from './rule.ts';
import { latestTermination, terminationDetection } from './facts.ts';

export const OOM_REASON = 'OOMKilled';

export const oomKilledRule: DetectionRule = {
  id: 'oom-killed',
  detect(pod: PodSnapshot): Detection[] {
    return pod.containers.flatMap((c) => {
      const oom = latestTermination(c, OOM_REASON);
      return oom ? [terminationDetection('OOMKilled', pod, c, oom)] : [];
    });
  },
};
