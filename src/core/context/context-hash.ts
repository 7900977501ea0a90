// A key that changes only when the incident really changed, so the (slow) LLM runs again only
// then: restarts, the last termination, memory settings, the log tail and the kinds of events.
// Event counts and timestamps, pod names and truncation markers are left out: a BackOff event
// counting up, or another pod of the same workload, is not news. Callers hash the key.
import type { Detection } from '../model.ts';
import type { IncidentContext } from './build-context.ts';

const TRUNCATION = /^… \[(?:truncated \d+ lines?|\d+ earlier events?)\]$/;

// "2024-05-01T10:00:00.000Z Warning BackOff x12 from kubelet spec.containers{app}: Back-off..."
// → "Warning BackOff from kubelet spec.containers{app}: Back-off..."
function eventIdentity(line: string): string {
  return line.replace(/^\S+ /, '').replace(/ x\d+(?= )/, '');
}

export function contextKey(ctx: IncidentContext, detection: Detection): string {
  return JSON.stringify({
    v: 1,
    kind: detection.kind,
    namespace: detection.namespace,
    container: detection.container,
    reason: detection.reason,
    exitCode: detection.exitCode ?? null,
    restartCount: detection.restartCount,
    lastTerminatedAt: detection.lastTerminatedAt ?? null,
    memoryRequest: detection.memoryRequest ?? null,
    memoryLimit: detection.memoryLimit ?? null,
    node: ctx.nodeLines.filter((l) => l.startsWith('condition ')).map((l) => l.replace(/ \(.*\)$/, '')),
    events: [...new Set(ctx.eventLines.filter((l) => !TRUNCATION.test(l)).map(eventIdentity))].sort(),
    log: ctx.logLines.filter((l) => !TRUNCATION.test(l)),
  });
}
