// What a scan should do with each detection, given what the store already knows. Pure, so the
// rules that keep the channel quiet (one message per incident, no re-analysis of unchanged
// incidents, no resurrection of an old OOM) are tested without Redis or Slack.
import type { Detection, IncidentReport, PodSnapshot } from '../model.ts';
import { incidentFamily, problemGroup } from '../detection/family.ts';
import { transition } from './state.ts';

export type TrackPlan =
  /** Nothing known: analyze and post a new incident. */
  | { type: 'new' }
  /** The same old termination a closed incident already covered (e.g. lastState of a recovered pod). */
  | { type: 'already-covered' }
  /** Open incident, no new occurrence and nothing that would change the diagnosis. */
  | { type: 'unchanged' }
  /** A new occurrence: update counts in place; re-analyze only if the analysis key changed. */
  | { type: 'recur'; reanalyze: boolean }
  /** Same occurrence, but what the diagnosis rests on changed (limits, kind). */
  | { type: 'reanalyze' };

/**
 * What the diagnosis rests on. Restart counts and timestamps are deliberately left out: a
 * crash loop recurring with the same limits is the same diagnosis, and never a new LLM call.
 */
export function analysisKey(d: Detection): string {
  // A CPU incident changes form with its CPU resources, every other one with its memory resources.
  const [limit, request] = incidentFamily(d.kind) === 'cpu' ? [d.cpuLimit, d.cpuRequest] : [d.memoryLimit, d.memoryRequest];
  return [d.kind, problemGroup(d.kind), d.container, limit ?? '-', request ?? '-'].join('|');
}

/** A later termination than the one already recorded, or more restarts of the same pod. */
export function isNewOccurrence(previous: Detection, next: Detection): boolean {
  const prevAt = previous.lastTerminatedAt ?? '';
  const nextAt = next.lastTerminatedAt ?? '';
  if (nextAt && nextAt > prevAt) return true;
  return next.pod === previous.pod && next.restartCount > previous.restartCount;
}

export function planTracking(
  detection: Detection,
  open: IncidentReport | undefined,
  lastClosed: IncidentReport | undefined,
  hash: (text: string) => string,
): TrackPlan {
  if (!open) {
    if (lastClosed && !isNewOccurrence(lastClosed.detection, detection)) return { type: 'already-covered' };
    return { type: 'new' };
  }
  // `contextHash` holds the hash of the analysis key the current diagnosis was made from.
  const keyChanged = open.contextHash !== hash(analysisKey(detection));
  if (isNewOccurrence(open.detection, detection)) return { type: 'recur', reanalyze: keyChanged };
  return keyChanged ? { type: 'reanalyze' } : { type: 'unchanged' };
}

/** Applies a new occurrence to an incident (the lifecycle's `recur`): counts, last seen, the freshest detection. */
export function recordOccurrence(report: IncidentReport, detection: Detection, at: string): IncidentReport {
  const result = transition(report, { type: 'recur', at, detection });
  return result.ok ? result.report : report;
}

/** The container is crashing right now (waiting in back-off, or terminated by the OOM killer). */
export function isStillFailing(pod: PodSnapshot | undefined, container: string): boolean {
  if (pod?.conditions?.some((c) => c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable')) return true;
  const c = pod?.containers.find((x) => x.name === container);
  if (!c) return false;
  if (pod?.reason === 'Evicted') return false;
  if (c.state.kind === 'waiting') return FAILING_WAITS.has(c.state.reason ?? '');
  if (c.state.kind === 'terminated') return c.state.reason === 'OOMKilled';
  return false;
}

// Waiting reasons of a container that cannot run: a crash loop, or a start the kubelet cannot make.
const FAILING_WAITS: ReadonlySet<string> = new Set([
  'CrashLoopBackOff',
  'RunContainerError',
  'ErrImagePull',
  'ImagePullBackOff',
  'InvalidImageName',
  'ErrImageNeverPull',
  'CreateContainerConfigError',
  'CreateContainerError',
]);

/**
 * An open incident resolves once nothing new happened for `quietMinutes` and the container is
 * not failing now (it recovered, or its pod is gone).
 */
export function shouldResolve(report: IncidentReport, currentPod: PodSnapshot | undefined, now: Date, quietMinutes: number): boolean {
  if (report.status === 'resolved') return false;
  const last = [report.lastSeen, report.detection.lastTerminatedAt ?? ''].sort().at(-1) ?? report.lastSeen;
  const quietFor = now.getTime() - Date.parse(last);
  if (!(quietFor >= quietMinutes * 60_000)) return false;
  return !isStillFailing(currentPod, report.detection.container);
}
