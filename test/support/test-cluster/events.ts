// Posts core/v1 Events the way the kubelet or node-problem-detector would.
import { randomBytes } from 'node:crypto';
import type { CoreV1Event, CoreV1Api } from '@kubernetes/client-node';

export interface EventInput {
  /** Namespace of the event; "default" for cluster-scoped objects such as Nodes. */
  namespace: string;
  involved: { kind: string; name: string; namespace?: string; uid?: string; apiVersion?: string; fieldPath?: string };
  reason: string;
  message: string;
  type?: 'Normal' | 'Warning';
  count?: number;
  /** source.component, e.g. "kubelet" or "kernel-monitor". */
  component?: string;
  host?: string;
  firstTimestamp?: Date;
  lastTimestamp?: Date;
}

export async function postEvent(core: CoreV1Api, e: EventInput): Promise<CoreV1Event> {
  const last = e.lastTimestamp ?? new Date();
  const first = e.firstTimestamp ?? last;
  return core.createNamespacedEvent({
    namespace: e.namespace,
    body: {
      metadata: { name: `${e.involved.name}.${randomBytes(8).toString('hex')}`, namespace: e.namespace },
      involvedObject: {
        apiVersion: e.involved.apiVersion ?? 'v1',
        kind: e.involved.kind,
        name: e.involved.name,
        namespace: e.involved.namespace ?? (e.involved.kind === 'Node' ? undefined : e.namespace),
        uid: e.involved.uid,
        fieldPath: e.involved.fieldPath,
      },
      reason: e.reason,
      message: e.message,
      type: e.type ?? 'Warning',
      count: e.count ?? 1,
      firstTimestamp: first,
      lastTimestamp: last,
      source: { component: e.component ?? 'kubelet', host: e.host },
      reportingComponent: e.component ?? 'kubelet',
      reportingInstance: e.host ?? '',
    },
  });
}
