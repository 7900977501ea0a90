// ProbeKill: the kubelet killed a container because its liveness or startup probe kept failing.
// It shows as exit 137 (SIGKILL) or 143 (SIGTERM) without OOMKilled, next to `Unhealthy` and
// `Killing` events naming the probe. Without those events a 137 is only a crash loop: something
// else may have killed it.
import type { ContainerSnapshot, Detection, EventSnapshot, PodSnapshot } from '../model.ts';
import type { DetectionRule, RuleContext } from './rule.ts';
import { crashFacts, isCrashLooping } from './crash-loop.ts';
import { DEFAULT_CRASH_LOOP_RESTARTS } from './oom-crash-loop.ts';
import { isKubeletKill } from './exit-code.ts';
import { latestTermination, terminationDetection } from './facts.ts';
import { OOM_REASON } from './oom-killed.ts';

const PROBE_FAILED = /^(Liveness|Startup) probe failed/i;
const KILLED_FOR_PROBE = /failed (liveness|startup) probe/i;
const EVENT_MESSAGE_MAX = 240;

/** A container whose latest end looks like a kubelet kill, not an OOM: its events decide. */
export function probeKillCandidate(c: ContainerSnapshot): boolean {
  const latest = latestTermination(c);
  return latest !== undefined && latest.t.reason !== OOM_REASON && isKubeletKill(latest.t.exitCode);
}

/** The probe events about container `name`: fieldPath names it, or the kubelet's message does. */
export function probeEvents(events: readonly EventSnapshot[], name: string): EventSnapshot[] {
  return events.filter((e) => {
    const probe = (e.reason === 'Unhealthy' && PROBE_FAILED.test(e.message ?? '')) || (e.reason === 'Killing' && KILLED_FOR_PROBE.test(e.message ?? ''));
    if (!probe) return false;
    if (e.involvedFieldPath) return e.involvedFieldPath.endsWith(`{${name}}`);
    return (e.message ?? '').includes(`Container ${name} `);
  });
}

function eventFact(e: EventSnapshot): string {
  const msg = (e.message ?? '').replace(/\s+/g, ' ').trim();
  const count = e.count !== undefined && e.count > 1 ? ` (×${e.count})` : '';
  return `event ${e.reason}${count}: ${msg.length > EVENT_MESSAGE_MAX ? `${msg.slice(0, EVENT_MESSAGE_MAX - 1)}…` : msg}`;
}

export function createProbeKillRule(minRestarts: number = DEFAULT_CRASH_LOOP_RESTARTS): DetectionRule {
  return {
    id: 'probe-kill',
    detect(pod: PodSnapshot, ctx?: RuleContext): Detection[] {
      return pod.containers.flatMap((c) => {
        if (!probeKillCandidate(c) || !isCrashLooping(c, minRestarts)) return [];
        const events = probeEvents(ctx?.events ?? [], c.name);
        if (events.length === 0) return [];
        const latest = latestTermination(c)!;
        const d = terminationDetection('ProbeKill', pod, c, latest);
        const shown = [...events].sort((a, b) => (b.lastTimestamp ?? '').localeCompare(a.lastTimestamp ?? '')).slice(0, 3);
        return [{ ...d, facts: [d.facts[0]!, ...crashFacts(latest.t.exitCode, latest.t.message), ...shown.map(eventFact), ...d.facts.slice(1)] }];
      });
    },
  };
}

export const probeKillRule: DetectionRule = createProbeKillRule();
