// OOMCrashLoop: a container keeps restarting and its latest death was an OOM kill. Restart loops
// with other causes (exit 1, a probe's SIGKILL without OOMKilled, image or config errors) are
// not memory incidents and are left alone.
import type { Detection, PodSnapshot } from '../model.ts';
import type { DetectionRule } from './rule.ts';
import { latestTermination, terminationDetection } from './facts.ts';
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
        return latest?.t.reason === OOM_REASON ? [terminationDetection('OOMCrashLoop', pod, c, latest)] : [];
      });
    },
  };
}

export const oomCrashLoopRule: DetectionRule = createOomCrashLoopRule();
