// CrashLoop: a container keeps restarting for any reason but the OOM killer (the OOM rules own
// those). The exit code is read the way an SRE reads it (1 app error, 127 command not found, 139
// segfault...), and the container's termination message is kept when it wrote one.
import type { ContainerSnapshot, Detection, PodSnapshot } from '../model.ts';
import type { DetectionRule } from './rule.ts';
import { describeExitCode } from './exit-code.ts';
import { latestTermination, terminationDetection } from './facts.ts';
import { DEFAULT_CRASH_LOOP_RESTARTS } from './oom-crash-loop.ts';
import { OOM_REASON } from './oom-killed.ts';

const MESSAGE_MAX = 300;

/** Restarting often enough (or backing off) to be a loop, and not an OOM kill. */
export function isCrashLooping(c: ContainerSnapshot, minRestarts: number = DEFAULT_CRASH_LOOP_RESTARTS): boolean {
  const backingOff = c.state.kind === 'waiting' && c.state.reason === 'CrashLoopBackOff';
  if (!backingOff && c.restartCount < minRestarts) return false;
  const latest = latestTermination(c);
  return latest !== undefined && latest.t.reason !== OOM_REASON;
}

/** The facts every crash detection adds: what the exit code means and what the process last said. */
export function crashFacts(exitCode: number | undefined, message: string | undefined): string[] {
  const facts: string[] = [];
  if (exitCode !== undefined) facts.push(describeExitCode(exitCode));
  const said = message?.trim();
  if (said) facts.push(`termination message: ${said.length > MESSAGE_MAX ? `${said.slice(0, MESSAGE_MAX - 1)}…` : said}`);
  return facts;
}

export function createCrashLoopRule(minRestarts: number = DEFAULT_CRASH_LOOP_RESTARTS): DetectionRule {
  return {
    id: 'crash-loop',
    detect(pod: PodSnapshot): Detection[] {
      return pod.containers.flatMap((c) => {
        if (!isCrashLooping(c, minRestarts)) return [];
        const latest = latestTermination(c)!;
        const d = terminationDetection('CrashLoop', pod, c, latest);
        return [{ ...d, facts: [d.facts[0]!, ...crashFacts(latest.t.exitCode, latest.t.message), ...d.facts.slice(1)] }];
      });
    },
  };
}

export const crashLoopRule: DetectionRule = createCrashLoopRule();
