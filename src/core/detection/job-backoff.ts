// JobBackoffLimit: a Job gave up after its pods failed `backoffLimit` times. The Job controller
// says so in a BackoffLimitExceeded event about the Job; its failed pods carry the exit code and
// the termination message of the last attempt. One incident per Job (or per CronJob owning it).
import type { Detection, EventSnapshot, PodSnapshot } from '../model.ts';
import { controllerOwner } from '../kube/workload.ts';
import type { DetectionRule, RuleContext } from './rule.ts';
import { crashFacts } from './crash-loop.ts';
import { baseDetection, contextFacts, latestTermination, terminationFact } from './facts.ts';

const MESSAGE_MAX = 300;

/** A failed pod of a Job: its Job's events decide whether the Job gave up. */
export function jobBackoffCandidate(pod: PodSnapshot): boolean {
  return pod.phase === 'Failed' && controllerOwner(pod)?.kind === 'Job';
}

function gaveUp(events: readonly EventSnapshot[]): EventSnapshot | undefined {
  return events
    .filter((e) => e.reason === 'BackoffLimitExceeded')
    .sort((a, b) => (b.lastTimestamp ?? '').localeCompare(a.lastTimestamp ?? ''))[0];
}

export const jobBackoffRule: DetectionRule = {
  id: 'job-backoff-limit',
  detect(pod: PodSnapshot, ctx?: RuleContext): Detection[] {
    if (!jobBackoffCandidate(pod)) return [];
    const event = gaveUp(ctx?.ownerEvents ?? []);
    if (!event) return [];
    // The container that failed: the one whose latest end was not a success.
    const c = pod.containers.find((x) => x.type === 'app' && (latestTermination(x)?.t.exitCode ?? 0) !== 0) ?? pod.containers.find((x) => x.type === 'app');
    if (!c) return [];
    const latest = latestTermination(c);
    const message = (event.message ?? '').replace(/\s+/g, ' ').trim();
    const job = controllerOwner(pod)!.name;
    return [
      {
        kind: 'JobBackoffLimit' as const,
        ...baseDetection(pod, c, c.name),
        reason: 'BackoffLimitExceeded',
        ...(latest?.t.exitCode !== undefined ? { exitCode: latest.t.exitCode } : {}),
        ...(latest?.t.finishedAt ? { lastTerminatedAt: latest.t.finishedAt } : {}),
        facts: [
          `job ${job}: ${message.length > MESSAGE_MAX ? `${message.slice(0, MESSAGE_MAX - 1)}…` : message || 'BackoffLimitExceeded'}`,
          ...(latest ? [terminationFact(c, latest.where, latest.t), ...crashFacts(latest.t.exitCode, latest.t.message)] : []),
          ...contextFacts(pod, c),
        ],
      },
    ];
  },
};
