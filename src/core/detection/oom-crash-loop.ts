// OOMCrashLoop: a container keeps restarting and its latest death was an OOM kill. Restart loops
// with other causes (exit 1, a probe's SIGKILL without OOMKilled, image or config errors) are
// not memory incidents and are left alone.
import type { Detection, PodSnapshot } from '../model.ts';
import type { DetectionRule } from './rule.ts';
import { baseDetection, contextFacts, latestTermination, stateFact, terminationFact } from './facts.ts';
import { OOM_REASON } from './oom-killed.ts';

export const DEFAULT_CRASH_LOOP_RESTARTS = 3;

export function createOomCrashLoopRule(minRestarts: number = DEFAULT_CRASH_LOOP_RESTARTS): DetectionRule {
  return {
    id: 'oom-crash-loop',
    detect(pod: PodSnapshot): Detection[] {
      return pod.containers.flatMap((c) => {
        const backingOff = c.state.kind === 'waiting' && c.state.reason === 'CrashLoopBackOff';
        if (!backingOff && c.restartCount < minRestarts) return [];
        const latest = latestTermination(c);
        if (latest?.t.reason !== OOM_REASON) return [];
        const current = latest.where === 'lastState' ? stateFact(c) : undefined;
        return [
          {
            kind: 'OOMCrashLoop' as const,
            ...baseDetection(pod, c, c.name),
            reason: OOM_REASON,
            ...(latest.t.exitCode !== undefined ? { exitCode: latest.t.exitCode } : {}),
            ...(latest.t.finishedAt ? { lastTerminatedAt: latest.t.finishedAt } : {}),
            facts: [terminationFact(c, latest.where, latest.t), ...(current ? [current] : []), ...contextFacts(pod, c)],
          },
        ];
      });
    },
  };
}

export const oomCrashLoopRule: DetectionRule = createOomCrashLoopRule();
