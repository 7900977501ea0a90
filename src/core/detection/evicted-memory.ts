// EvictedMemory: the kubelet evicted the pod because the node ran low on memory. Evictions for
// disk or ephemeral storage are not memory incidents. The kubelet's message names the containers
// that used more than they requested; the first such container is the incident's container.
import type { Detection, PodSnapshot } from '../model.ts';
import type { DetectionRule } from './rule.ts';
import { baseDetection, contextFacts, stateFact } from './facts.ts';

// "The node was low on resource: memory." (not "memory-..."), or an admission refusal
// "The node had condition: [MemoryPressure]."
const MEMORY_EVICTION = /low on resource: memory(?![\w-])|had condition: \[[^\]]*\bMemoryPressure\b/i;
// "Container app was using 300Mi, request is 0, has larger consumption of [its ]memory[ request]."
const CONTAINER_USAGE = /Container ([\w.-]+) was using ([^,\s]+), request is ([^,\s]+), has larger consumption of (?:its )?memory/gi;

export function isMemoryEviction(pod: Pick<PodSnapshot, 'reason' | 'message'>): boolean {
  return pod.reason === 'Evicted' && MEMORY_EVICTION.test(pod.message ?? '');
}

interface Usage {
  container: string;
  using: string;
  request: string;
}

export function memoryUsageInMessage(message: string): Usage[] {
  return [...message.matchAll(CONTAINER_USAGE)].map((m) => ({ container: m[1] ?? '', using: m[2] ?? '', request: m[3] ?? '' }));
}

export const evictedMemoryRule: DetectionRule = {
  id: 'evicted-memory',
  detect(pod: PodSnapshot): Detection[] {
    if (!isMemoryEviction(pod)) return [];
    const usages = memoryUsageInMessage(pod.message ?? '');
    const known = usages.find((u) => pod.containers.some((c) => c.name === u.container));
    const usage = known ?? usages[0];
    const name = usage?.container ?? pod.containers.find((c) => c.type === 'app')?.name ?? pod.containers[0]?.name ?? '';
    const c = pod.containers.find((x) => x.name === name);
    const terminated = c?.state.kind === 'terminated' ? c.state : undefined;
    const current = c ? stateFact(c) : undefined;
    return [
      {
        kind: 'EvictedMemory' as const,
        ...baseDetection(pod, c, name),
        reason: 'Evicted',
        ...(terminated?.exitCode !== undefined ? { exitCode: terminated.exitCode } : {}),
        ...(terminated?.finishedAt ? { lastTerminatedAt: terminated.finishedAt } : {}),
        facts: [
          `status.reason=Evicted${pod.phase ? ` status.phase=${pod.phase}` : ''}`,
          `status.message: ${pod.message ?? ''}`.trim(),
          ...usages.map((u) => `evicted for memory: container ${u.container} was using ${u.using}, request is ${u.request}`),
          ...(current ? [current] : []),
          ...contextFacts(pod, c),
        ],
      },
    ];
  },
};
