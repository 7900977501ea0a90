// Unschedulable: the scheduler found no node for the pod. Its PodScheduled condition says why in
// the scheduler's words ("0/3 nodes are available: 2 Insufficient memory, 1 node(s) had untolerated
// taint ..."); the reasons are split into facts next to the pod's requests. One incident per pod
// (its first app container stands for it, as an eviction's does).
import type { Detection, PodSnapshot } from '../model.ts';
import type { DetectionRule } from './rule.ts';
import { baseDetection, contextFacts } from './facts.ts';

const MESSAGE_MAX = 500;

/** "0/3 nodes are available: 2 Insufficient memory, 1 node(s) had untolerated taint {x: }. preemption: ..." → its reasons. */
export function schedulingReasons(message: string): string[] {
  const m = /nodes are available: (.*?)(?:\. preemption:|$)/s.exec(message);
  if (!m) return [];
  return m[1]!
    .replace(/\.$/, '')
    .split(/, (?=\d+ )/)
    .map((r) => r.trim())
    .filter((r) => r.length > 0);
}

export const unschedulableRule: DetectionRule = {
  id: 'unschedulable',
  detect(pod: PodSnapshot): Detection[] {
    const cond = pod.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable');
    if (!cond || pod.nodeName) return [];
    const c = pod.containers.find((x) => x.type === 'app') ?? pod.containers[0];
    const message = (cond.message ?? '').replace(/\s+/g, ' ').trim();
    const requests = pod.containers
      .filter((x) => x.type !== 'ephemeral')
      .map((x) => `${x.name} requests memory ${x.memoryRequest ?? 'unset'}, limit ${x.memoryLimit ?? 'unset'}; cpu ${x.cpuRequest ?? 'unset'}, limit ${x.cpuLimit ?? 'unset'}`);
    return [
      {
        kind: 'Unschedulable' as const,
        ...baseDetection(pod, c, c?.name ?? ''),
        reason: 'Unschedulable',
        facts: [
          `status.conditions[PodScheduled]: status=False reason=Unschedulable`,
          ...(message ? [`scheduler: ${message.length > MESSAGE_MAX ? `${message.slice(0, MESSAGE_MAX - 1)}…` : message}`] : []),
          ...schedulingReasons(message).map((r) => `no node: ${r}`),
          ...requests,
          ...contextFacts(pod, undefined),
        ],
      },
    ];
  },
};
