// The status lines a detection rests on, written with the Kubernetes field paths an SRE would
// look up (`containerStatuses[app].lastState.terminated: reason=OOMKilled exitCode=137 ...`).
import type { ContainerSnapshot, ContainerState, Detection, PodSnapshot, Termination } from '../model.ts';
import { controllerOwner } from '../kube/workload.ts';

const STATUS_LIST = { app: 'containerStatuses', init: 'initContainerStatuses', sidecar: 'initContainerStatuses', ephemeral: 'ephemeralContainerStatuses' } as const;
const SPEC_LIST = { app: 'containers', init: 'initContainers', sidecar: 'initContainers', ephemeral: 'ephemeralContainers' } as const;

export function statusPath(c: Pick<ContainerSnapshot, 'name' | 'type'>): string {
  return `${STATUS_LIST[c.type]}[${c.name}]`;
}

function pairs(fields: [string, string | number | undefined][]): string {
  return fields.filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => `${k}=${v}`).join(' ');
}

export function terminationFact(c: ContainerSnapshot, where: 'state' | 'lastState', t: Termination | ContainerState): string {
  return `${statusPath(c)}.${where}.terminated: ${pairs([
    ['reason', t.reason],
    ['exitCode', t.exitCode],
    ['startedAt', t.startedAt],
    ['finishedAt', t.finishedAt],
  ])}`;
}

export function stateFact(c: ContainerSnapshot): string | undefined {
  const s = c.state;
  if (s.kind === 'terminated') return terminationFact(c, 'state', s);
  if (s.kind === 'unknown') return undefined;
  return `${statusPath(c)}.state.${s.kind}: ${pairs([['reason', s.reason], ['startedAt', s.startedAt]]) || '(no reason)'}`;
}

export function resourcesFact(c: ContainerSnapshot): string {
  return `${SPEC_LIST[c.type]}[${c.name}].resources: requests.memory=${c.memoryRequest ?? 'unset'} limits.memory=${c.memoryLimit ?? 'unset'}`;
}

/** Fields every memory detection shares: owner, node, restarts and memory settings of the container. */
export function baseDetection(
  pod: PodSnapshot,
  c: ContainerSnapshot | undefined,
  containerName: string,
): Omit<Detection, 'kind' | 'reason' | 'facts'> {
  const owner = controllerOwner(pod);
  return {
    namespace: pod.namespace,
    pod: pod.name,
    container: containerName,
    containerType: c?.type ?? 'app',
    ...(owner ? { owner } : {}),
    ...(pod.nodeName ? { nodeName: pod.nodeName } : {}),
    restartCount: c?.restartCount ?? 0,
    ...(c?.memoryRequest ? { memoryRequest: c.memoryRequest } : {}),
    ...(c?.memoryLimit ? { memoryLimit: c.memoryLimit } : {}),
    ...(c?.cpuRequest ? { cpuRequest: c.cpuRequest } : {}),
    ...(c?.cpuLimit ? { cpuLimit: c.cpuLimit } : {}),
  };
}

/** Facts about where the pod runs and who owns it, appended after the rule's own facts. */
export function contextFacts(pod: PodSnapshot, c: ContainerSnapshot | undefined): string[] {
  const facts: string[] = [];
  if (c) {
    facts.push(`${statusPath(c)}.restartCount=${c.restartCount}`);
    facts.push(resourcesFact(c));
  }
  const owner = controllerOwner(pod);
  if (owner) facts.push(`metadata.ownerReferences[controller]: ${owner.kind}/${owner.name}`);
  if (pod.nodeName) facts.push(`spec.nodeName=${pod.nodeName}`);
  if (pod.qosClass) facts.push(`status.qosClass=${pod.qosClass}`);
  return facts;
}

export interface FoundTermination {
  where: 'state' | 'lastState';
  t: Termination;
}

/**
 * The most recent termination of a container (the current one if it is terminated now), or with
 * `reason`, the most recent one that ended for that reason: a container terminated now for
 * another reason may still have been OOM-killed the time before.
 */
export function latestTermination(c: ContainerSnapshot, reason?: string): FoundTermination | undefined {
  if (c.state.kind === 'terminated' && (reason === undefined || c.state.reason === reason)) {
    const { kind: _kind, ...t } = c.state;
    return { where: 'state', t };
  }
  const last = c.lastTermination;
  return last && (reason === undefined || last.reason === reason) ? { where: 'lastState', t: last } : undefined;
}

/** The detection for a container that ended with `found`: exit code, when, and the status lines it rests on. */
export function terminationDetection(
  kind: Detection['kind'],
  pod: PodSnapshot,
  c: ContainerSnapshot,
  found: FoundTermination,
): Detection {
  const current = found.where === 'lastState' ? stateFact(c) : undefined;
  return {
    kind,
    ...baseDetection(pod, c, c.name),
    reason: found.t.reason ?? 'Terminated',
    ...(found.t.exitCode !== undefined ? { exitCode: found.t.exitCode } : {}),
    ...(found.t.finishedAt ? { lastTerminatedAt: found.t.finishedAt } : {}),
    facts: [terminationFact(c, found.where, found.t), ...(current ? [current] : []), ...contextFacts(pod, c)],
  };
}
