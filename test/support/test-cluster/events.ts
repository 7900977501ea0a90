// Posts Events the way the kubelet or node-problem-detector would: core/v1, or events.k8s.io/v1.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
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

/** An events.k8s.io/v1 Event, as a recorder of that API posts it (the kubelet's newer one does). */
export interface EventsV1Input {
  namespace: string;
  regarding: { kind: string; name: string; namespace?: string; apiVersion?: string; fieldPath?: string };
  reason: string;
  note: string;
  type?: 'Normal' | 'Warning';
  eventTime?: Date;
  reportingController?: string;
  reportingInstance?: string;
  action?: string;
}

/** The API server and the admin client certificate to post with. */
export interface AdminTls {
  server: string;
  caFile: string;
  adminCertFile: string;
  adminKeyFile: string;
}

/**
 * POSTs an events.k8s.io/v1 Event as plain JSON: eventTime is a MicroTime (six fractional
 * digits), which client-node's serializer does not write, so the SDK client cannot post one.
 */
export async function postEventsV1(api: AdminTls, e: EventsV1Input): Promise<void> {
  const at = (e.eventTime ?? new Date()).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
  const body = JSON.stringify({
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: { name: `${e.regarding.name}.${randomBytes(8).toString('hex')}`, namespace: e.namespace },
    eventTime: at,
    reportingController: e.reportingController ?? 'kubelet',
    reportingInstance: e.reportingInstance ?? 'worker-1',
    action: e.action ?? 'Killing',
    regarding: { apiVersion: 'v1', namespace: e.namespace, ...e.regarding },
    reason: e.reason,
    note: e.note,
    type: e.type ?? 'Warning',
  });
  const res = await new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = request(`${api.server}/apis/events.k8s.io/v1/namespaces/${encodeURIComponent(e.namespace)}/events`, {
      method: 'POST',
      ca: readFileSync(api.caFile),
      cert: readFileSync(api.adminCertFile),
      key: readFileSync(api.adminKeyFile),
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      timeout: 20_000,
    }, (r) => {
      let text = '';
      r.setEncoding('utf8');
      r.on('data', (chunk: string) => (text += chunk));
      r.on('end', () => resolve({ status: r.statusCode ?? 0, text }));
      r.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('POST events.k8s.io/v1 event timed out')));
    req.on('error', reject);
    req.end(body);
  });
  if (res.status !== 201) throw new Error(`POST events.k8s.io/v1 event: ${res.status} ${res.text}`);
}
