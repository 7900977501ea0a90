// A Node whose kubelet is a fake kubelet on 127.0.0.1: the API server finds it through the
// node's InternalIP and daemonEndpoints.kubeletEndpoint.Port, exactly as for a real kubelet.
import type { CoreV1Api, V1Node } from '@kubernetes/client-node';
import { mergePatch } from './status-patch.ts';

export interface FakeNodeOptions {
  name: string;
  kubeletPort: number;
  capacityMemory?: string;
  allocatableMemory?: string;
  memoryPressure?: boolean;
  now?: Date;
}

export function nodeStatus(opts: FakeNodeOptions): Record<string, unknown> {
  const at = (opts.now ?? new Date()).toISOString();
  const condition = (type: string, status: boolean, reason: string, message: string) => ({
    type, status: status ? 'True' : 'False', reason, message, lastHeartbeatTime: at, lastTransitionTime: at,
  });
  return {
    addresses: [
      { type: 'InternalIP', address: '127.0.0.1' },
      { type: 'Hostname', address: opts.name },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: opts.kubeletPort } },
    capacity: { cpu: '2', memory: opts.capacityMemory ?? '4Gi', pods: '110' },
    allocatable: { cpu: '2', memory: opts.allocatableMemory ?? '3800Mi', pods: '110' },
    conditions: [
      opts.memoryPressure
        ? condition('MemoryPressure', true, 'KubeletHasInsufficientMemory', 'kubelet has insufficient memory available')
        : condition('MemoryPressure', false, 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
      condition('DiskPressure', false, 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
      condition('PIDPressure', false, 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
      condition('Ready', true, 'KubeletReady', 'kubelet is posting ready status'),
    ],
    nodeInfo: {
      architecture: 'amd64', operatingSystem: 'linux', osImage: 'Test Linux', kernelVersion: '6.1.0',
      containerRuntimeVersion: 'containerd://2.0.0', kubeletVersion: 'v1.36.3', kubeProxyVersion: '',
      machineID: '', systemUUID: '', bootID: '',
    },
  };
}

export async function createFakeNode(core: CoreV1Api, opts: FakeNodeOptions): Promise<V1Node> {
  await core.createNode({
    body: { metadata: { name: opts.name, labels: { 'kubernetes.io/hostname': opts.name, 'kubernetes.io/os': 'linux' } } },
  });
  return core.patchNodeStatus({ name: opts.name, body: { status: nodeStatus(opts) } }, mergePatch);
}

/** Sets or clears the node's MemoryPressure condition (the kubelet's view before evictions). */
export async function setNodeMemoryPressure(core: CoreV1Api, opts: FakeNodeOptions): Promise<V1Node> {
  return core.patchNodeStatus({ name: opts.name, body: { status: nodeStatus(opts) } }, mergePatch);
}
