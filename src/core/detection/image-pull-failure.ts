// ImagePullFailure: a container cannot start because its image cannot be pulled (wrong name or
// tag, missing credentials, registry down). The registry's own words are in the waiting message
// of ErrImagePull or in the kubelet's `Failed` event; ImagePullBackOff only says it is waiting.
import type { ContainerSnapshot, Detection, EventSnapshot, PodSnapshot } from '../model.ts';
import type { DetectionRule, RuleContext } from './rule.ts';
import { baseDetection, contextFacts, stateFact } from './facts.ts';

const PULL_REASONS = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull']);
const MESSAGE_MAX = 400;

export function imagePullCandidate(c: ContainerSnapshot): boolean {
  return c.state.kind === 'waiting' && PULL_REASONS.has(c.state.reason ?? '');
}

function clip(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > MESSAGE_MAX ? `${flat.slice(0, MESSAGE_MAX - 1)}…` : flat;
}

/** The most recent kubelet `Failed` event about pulling this container's image. */
function pullEvent(events: readonly EventSnapshot[], c: ContainerSnapshot): EventSnapshot | undefined {
  return events
    .filter((e) => e.reason === 'Failed' && /pull/i.test(e.message ?? ''))
    .filter((e) => (e.involvedFieldPath ? e.involvedFieldPath.endsWith(`{${c.name}}`) : c.image !== undefined && (e.message ?? '').includes(c.image)))
    .sort((a, b) => (b.lastTimestamp ?? '').localeCompare(a.lastTimestamp ?? ''))[0];
}

export const imagePullFailureRule: DetectionRule = {
  id: 'image-pull-failure',
  detect(pod: PodSnapshot, ctx?: RuleContext): Detection[] {
    return pod.containers.flatMap((c) => {
      if (!imagePullCandidate(c)) return [];
      const waiting = c.state.message?.trim();
      const event = pullEvent(ctx?.events ?? [], c);
      return [
        {
          kind: 'ImagePullFailure' as const,
          ...baseDetection(pod, c, c.name),
          reason: c.state.reason ?? 'ImagePullBackOff',
          facts: [
            stateFact(c)!,
            `image: ${c.image ?? '(unknown)'}`,
            ...(waiting ? [`waiting message: ${clip(waiting)}`] : []),
            ...(event?.message ? [`event Failed${event.count && event.count > 1 ? ` (×${event.count})` : ''}: ${clip(event.message)}`] : []),
            ...contextFacts(pod, c),
          ],
        },
      ];
    });
  },
};
