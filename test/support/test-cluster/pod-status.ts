// Makes a pod look the way a kubelet reports it after memory trouble, by merge-patching the pod's
// status subresource: OOMKilled, CrashLoopBackOff after OOM, Running again after an OOM, or
// evicted for node memory pressure. Other containers of the pod are reported running and ready.
import { randomBytes } from 'node:crypto';
import type { CoreV1Api, V1Container, V1Pod } from '@kubernetes/client-node';
import { mergePatch } from './status-patch.ts';

export type ContainerScenario =
  /** ready: false = running but failing its readiness probe (not ready, nothing wrong to detect). */
  | { kind: 'running'; restartCount?: number; ready?: boolean }
  | { kind: 'oom-killed'; restartCount?: number }
  | { kind: 'crash-loop-after-oom'; restartCount?: number; backOff?: string }
  | { kind: 'recovered-after-oom'; restartCount?: number }
  /** Restarting for a reason other than the OOM killer: exit 1 by default. */
  | { kind: 'crash-loop'; restartCount?: number; exitCode?: number; reason?: string };

type Json = Record<string, unknown>;

const containerId = (): string => `containerd://${randomBytes(32).toString('hex')}`;
const iso = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
const ago = (now: Date, seconds: number): string => iso(new Date(now.getTime() - seconds * 1000));

function oomTermination(now: Date): Json {
  return { exitCode: 137, reason: 'OOMKilled', startedAt: ago(now, 45), finishedAt: ago(now, 5), containerID: containerId() };
}

function base(container: V1Container, restartCount: number, ready: boolean): Json {
  return {
    name: container.name,
    image: container.image ?? '',
    imageID: `${container.image ?? 'image'}@sha256:${randomBytes(32).toString('hex')}`,
    ready,
    started: ready,
    restartCount,
  };
}

export function containerStatus(container: V1Container, scenario: ContainerScenario, pod: { name: string; namespace: string; uid: string }, now: Date): Json {
  switch (scenario.kind) {
    case 'running':
      return { ...base(container, scenario.restartCount ?? 0, scenario.ready ?? true), started: true, containerID: containerId(), state: { running: { startedAt: ago(now, 600) } } };
    case 'oom-killed': {
      const terminated = oomTermination(now);
      return { ...base(container, scenario.restartCount ?? 1, false), containerID: terminated.containerID, state: { terminated }, lastState: {} };
    }
    case 'crash-loop-after-oom':
      return {
        ...base(container, scenario.restartCount ?? 5, false),
        state: { waiting: {
          reason: 'CrashLoopBackOff',
          message: `back-off ${scenario.backOff ?? '2m40s'} restarting failed container=${container.name} pod=${pod.name}_${pod.namespace}(${pod.uid})`,
        } },
        lastState: { terminated: oomTermination(now) },
      };
    case 'crash-loop':
      return {
        ...base(container, scenario.restartCount ?? 5, false),
        state: { waiting: {
          reason: 'CrashLoopBackOff',
          message: `back-off 2m40s restarting failed container=${container.name} pod=${pod.name}_${pod.namespace}(${pod.uid})`,
        } },
        lastState: { terminated: { exitCode: scenario.exitCode ?? 1, reason: scenario.reason ?? 'Error', startedAt: ago(now, 45), finishedAt: ago(now, 5), containerID: containerId() } },
      };
    case 'recovered-after-oom':
      return {
        ...base(container, scenario.restartCount ?? 1, true),
        containerID: containerId(),
        state: { running: { startedAt: ago(now, 2) } },
        lastState: { terminated: oomTermination(now) },
      };
  }
}

function podConditions(ready: boolean, now: Date): Json[] {
  const at = ago(now, 900);
  const changed = ago(now, 5);
  return [
    { type: 'PodReadyToStartContainers', status: 'True', lastProbeTime: null, lastTransitionTime: at },
    { type: 'Initialized', status: 'True', lastProbeTime: null, lastTransitionTime: at },
    ready
      ? { type: 'Ready', status: 'True', lastProbeTime: null, lastTransitionTime: changed }
      : { type: 'Ready', status: 'False', reason: 'ContainersNotReady', lastProbeTime: null, lastTransitionTime: changed },
    ready
      ? { type: 'ContainersReady', status: 'True', lastProbeTime: null, lastTransitionTime: changed }
      : { type: 'ContainersReady', status: 'False', reason: 'ContainersNotReady', lastProbeTime: null, lastTransitionTime: changed },
    { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: at },
  ];
}

function qosClass(pod: V1Pod): string {
  const containers = pod.spec?.containers ?? [];
  const all = containers.flatMap((c) => ['memory', 'cpu'].map((r) => [c.resources?.requests?.[r], c.resources?.limits?.[r]]));
  if (all.every(([req, lim]) => req === undefined && lim === undefined)) return 'BestEffort';
  const guaranteed = containers.every((c) => ['memory', 'cpu'].every((r) => {
    const lim = c.resources?.limits?.[r];
    const req = c.resources?.requests?.[r] ?? lim;
    return lim !== undefined && req === lim;
  }));
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

function findContainer(pod: V1Pod, name: string): V1Container {
  const container = pod.spec?.containers.find((c) => c.name === name);
  if (!container) throw new Error(`pod ${pod.metadata?.name} has no container "${name}"`);
  return container;
}

/** Status for the whole pod with one container in the given scenario (pure; exported for fixtures). */
export function podStatusFor(pod: V1Pod, containerName: string, scenario: ContainerScenario, now: Date): Json {
  findContainer(pod, containerName);
  const ids = { name: pod.metadata?.name ?? '', namespace: pod.metadata?.namespace ?? '', uid: pod.metadata?.uid ?? '' };
  const statuses = (pod.spec?.containers ?? []).map((c) =>
    containerStatus(c, c.name === containerName ? scenario : { kind: 'running' }, ids, now));
  const ready = statuses.every((s) => s.ready === true);
  return {
    phase: 'Running',
    conditions: podConditions(ready, now),
    hostIP: '127.0.0.1',
    hostIPs: [{ ip: '127.0.0.1' }],
    podIP: '10.244.0.10',
    podIPs: [{ ip: '10.244.0.10' }],
    startTime: ago(now, 900),
    qosClass: qosClass(pod),
    containerStatuses: statuses,
  };
}

export async function setContainerScenario(
  core: CoreV1Api, namespace: string, name: string, container: string, scenario: ContainerScenario, now = new Date(),
): Promise<V1Pod> {
  const pod = await core.readNamespacedPod({ name, namespace });
  return core.patchNamespacedPodStatus({ name, namespace, body: { status: podStatusFor(pod, container, scenario, now) } }, mergePatch);
}

export interface EvictionDetails {
  container: string;
  /** Memory the container was using, as the kubelet words it, e.g. "180Mi". */
  usage: string;
  threshold?: string;
  available?: string;
}

/** The kubelet's eviction message for memory pressure. */
export function evictionMessage(pod: V1Pod, d: EvictionDetails): string {
  const request = findContainer(pod, d.container).resources?.requests?.memory ?? '0';
  return `The node was low on resource: memory. Threshold quantity: ${d.threshold ?? '100Mi'}, available: ${d.available ?? '91236Ki'}. `
    + `Container ${d.container} was using ${d.usage}, request is ${request}, has larger consumption of memory. `;
}

export async function markEvictedForMemory(core: CoreV1Api, namespace: string, name: string, d: EvictionDetails, now = new Date()): Promise<V1Pod> {
  const pod = await core.readNamespacedPod({ name, namespace });
  const message = evictionMessage(pod, d);
  const at = iso(now);
  const statuses = (pod.spec?.containers ?? []).map((c) => ({
    ...base(c, 0, false),
    state: { terminated: {
      exitCode: 137, reason: 'ContainerStatusUnknown',
      message: 'The container could not be located when the pod was terminated', startedAt: null, finishedAt: null,
    } },
    lastState: {},
  }));
  const conditions = [
    { type: 'DisruptionTarget', status: 'True', reason: 'TerminationByKubelet', message, lastProbeTime: null, lastTransitionTime: at },
    ...podConditions(false, now),
  ];
  const status = {
    phase: 'Failed', reason: 'Evicted', message, conditions, hostIP: '127.0.0.1', hostIPs: [{ ip: '127.0.0.1' }],
    startTime: ago(now, 900), qosClass: qosClass(pod), containerStatuses: statuses,
  };
  return core.patchNamespacedPodStatus({ name, namespace, body: { status } }, mergePatch);
}

/** Binds a pod to a node the way the scheduler does (pods/binding). */
export async function bindPod(core: CoreV1Api, namespace: string, name: string, nodeName: string): Promise<void> {
  await core.createNamespacedPodBinding({
    name, namespace, body: { metadata: { name }, target: { apiVersion: 'v1', kind: 'Node', name: nodeName } },
  });
}
