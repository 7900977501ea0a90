// Builds examples/mixed-failures.json from the real test API server: a "shop" namespace whose
// pods fail in every way the agent tells apart — an OOM crash loop, an application crash loop, a
// liveness-probe kill, an image that cannot be pulled, a missing ConfigMap, a pod no node can
// take — next to a healthy one. Pods are created as their controllers (Deployments, a StatefulSet)
// would create them, scheduled, their status reported the way the kubelet reports it, and the
// events the scheduler and kubelet record posted; then read back raw, as `kubectl get
// pods,events -n shop -o json` prints them (see demo-dump.ts for the normalization).
import type { V1Container, V1Pod } from '@kubernetes/client-node';
import type { TestClusterContext } from '../support/cluster-context.ts';
import { bindPod } from '../support/test-cluster/pod-status.ts';
import { mergePatch } from '../support/test-cluster/status-patch.ts';
import { at, containerId, hex, microAt, readDump, T0, uuidFrom } from './demo-dump.ts';

export const MIXED_NAMESPACE = 'shop';

type Json = Record<string, unknown>;

interface EventSpec {
  reason: string;
  message: string;
  type?: 'Normal' | 'Warning';
  first?: number;
  last?: number;
  count?: number;
  /** Scheduler events (events.k8s.io): when, with microseconds, and the action. */
  eventTime?: [number, number];
  action?: string;
}

interface PodCase {
  name: string;
  owner: { kind: 'ReplicaSet' | 'StatefulSet'; name: string };
  labels: Record<string, string>;
  container: V1Container;
  /** False: no node can take it (it is never bound). */
  scheduled: boolean;
  events: (pod: { uid: string; ns: string }) => EventSpec[];
}

const REGISTRY = 'registry.example.com/shop';
const digest = (image: string): string => `${image.split(':')[0]}@sha256:${hex(`image/${image}`, 64)}`;

function tokenVolume(pod: string): { volume: Json; mount: Json } {
  const name = `kube-api-access-${hex(`volume/${pod}`, 5).replace(/[0-9]/g, (d) => 'bcdfghjklm'[Number(d)]!)}`;
  return {
    volume: {
      name,
      projected: {
        defaultMode: 420,
        sources: [
          { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
          { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
          { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
        ],
      },
    },
    mount: { name, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true },
  };
}

function conditions(c: { scheduled: number; ready: boolean; readySince: number; container: string }): Json[] {
  const notReady = { reason: 'ContainersNotReady', message: `containers with unready status: [${c.container}]` };
  const ready = (type: string) => ({ type, status: c.ready ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: at(c.readySince), ...(c.ready ? {} : notReady) });
  return [
    { type: 'PodReadyToStartContainers', status: 'True', lastProbeTime: null, lastTransitionTime: at(c.scheduled + 2) },
    { type: 'Initialized', status: 'True', lastProbeTime: null, lastTransitionTime: at(c.scheduled) },
    ready('Ready'),
    ready('ContainersReady'),
    { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: at(c.scheduled) },
  ];
}

/** The status the kubelet reports for a pod with one container in `state`. */
function running(o: {
  pod: string; container: string; image: string; ip: string; scheduled: number; ready: boolean; readySince: number;
  restartCount: number; state: Json; lastState?: Json; started?: boolean; resources: Json; mount: Json;
}): Json {
  // A container the kubelet never created (image not pulled, configuration missing) has no ID yet.
  const created = o.lastState !== undefined || o.state.running !== undefined;
  const id = created ? containerId(`${o.pod}/${o.restartCount}`) : undefined;
  return {
    phase: created ? 'Running' : 'Pending',
    conditions: conditions({ scheduled: o.scheduled, ready: o.ready, readySince: o.readySince, container: o.container }),
    hostIP: '172.18.0.2', hostIPs: [{ ip: '172.18.0.2' }],
    podIP: o.ip, podIPs: [{ ip: o.ip }],
    qosClass: 'Burstable',
    startTime: at(o.scheduled),
    containerStatuses: [{
      name: o.container,
      image: o.image,
      imageID: created ? digest(o.image) : '',
      ...(id ? { containerID: id } : {}),
      ready: o.ready,
      started: o.started ?? o.ready,
      restartCount: o.restartCount,
      state: o.state,
      lastState: o.lastState ?? {},
      resources: o.resources,
      volumeMounts: [{ ...o.mount, recursiveReadOnly: 'Disabled' }],
    }],
  };
}

function podCases(): PodCase[] {
  const checkoutImage = `${REGISTRY}/checkout:2.3.1`;
  const apiImage = `${REGISTRY}/api:1.9.0`;
  const webImage = `${REGISTRY}/web:4.2.0`;
  const frontendImage = `${REGISTRY}/frontend:3.0.0-rc1`;
  const workerImage = `${REGISTRY}/worker:1.4.0`;
  const cartImage = `${REGISTRY}/cart:2.0.7`;
  const deployment = (app: string, hash: string) => ({ owner: { kind: 'ReplicaSet' as const, name: `${app}-${hash}` }, labels: { app, 'pod-template-hash': hash } });
  const res = (cpu: string, memReq: string, memLim: string) => ({ requests: { cpu, memory: memReq }, limits: { memory: memLim } });
  return [
    {
      name: 'checkout-6d9f7c5b8-k2m4q', ...deployment('checkout', '6d9f7c5b8'),
      container: { name: 'checkout', image: checkoutImage, ports: [{ containerPort: 8080, name: 'http' }], resources: res('100m', '192Mi', '256Mi') },
      scheduled: true,
      events: ({ uid, ns }) => [
        { reason: 'BackOff', type: 'Warning', message: `Back-off restarting failed container checkout in pod checkout-6d9f7c5b8-k2m4q_${ns}(${uid})`, first: 40, last: 1_495, count: 31 },
        { reason: 'Pulled', message: `Container image "${checkoutImage}" already present on machine`, first: 30, last: 1_204, count: 7 },
        { reason: 'Created', message: 'Created container: checkout', first: 5, last: 1_204, count: 8 },
        { reason: 'Started', message: 'Started container checkout', first: 5, last: 1_204, count: 8 },
      ],
    },
    {
      name: 'api-5c7b9d8f4-w8x2p', ...deployment('api', '5c7b9d8f4'),
      container: { name: 'api', image: apiImage, terminationMessagePolicy: 'FallbackToLogsOnError', resources: res('200m', '256Mi', '512Mi') },
      scheduled: true,
      events: ({ uid, ns }) => [
        { reason: 'BackOff', type: 'Warning', message: `Back-off restarting failed container api in pod api-5c7b9d8f4-w8x2p_${ns}(${uid})`, first: 12, last: 1_490, count: 44 },
        { reason: 'Pulled', message: `Container image "${apiImage}" already present on machine`, first: 3, last: 1_103, count: 7 },
      ],
    },
    {
      name: 'web-58f6d4c9b7-q7rtn', ...deployment('web', '58f6d4c9b7'),
      container: {
        name: 'web', image: webImage, ports: [{ containerPort: 8080, name: 'http' }], resources: res('100m', '128Mi', '256Mi'),
        livenessProbe: { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 10, timeoutSeconds: 1, failureThreshold: 3 },
      },
      scheduled: true,
      events: () => [
        { reason: 'Unhealthy', type: 'Warning', message: 'Liveness probe failed: Get "http://10.244.0.12:8080/healthz": context deadline exceeded (Client.Timeout exceeded while awaiting headers)', first: 301, last: 1_470, count: 12 },
        { reason: 'Killing', message: 'Container web failed liveness probe, will be restarted', first: 321, last: 1_490, count: 4 },
        { reason: 'Pulled', message: `Container image "${webImage}" already present on machine`, first: 322, last: 1_491, count: 4 },
      ],
    },
    {
      name: 'frontend-7f9c8d6b5-h3j9z', ...deployment('frontend', '7f9c8d6b5'),
      container: { name: 'frontend', image: frontendImage, ports: [{ containerPort: 3000, name: 'http' }], resources: res('50m', '64Mi', '128Mi') },
      scheduled: true,
      events: () => [
        { reason: 'Pulling', message: `Pulling image "${frontendImage}"`, first: 1, last: 1_263, count: 6 },
        { reason: 'Failed', type: 'Warning', message: `Failed to pull image "${frontendImage}": rpc error: code = NotFound desc = failed to pull and unpack image "${frontendImage}": failed to resolve reference "${frontendImage}": ${frontendImage}: not found`, first: 2, last: 1_264, count: 6 },
        { reason: 'Failed', type: 'Warning', message: 'Error: ErrImagePull', first: 2, last: 1_264, count: 6 },
        { reason: 'BackOff', message: `Back-off pulling image "${frontendImage}"`, first: 3, last: 1_488, count: 97 },
        { reason: 'Failed', type: 'Warning', message: 'Error: ImagePullBackOff', first: 3, last: 1_488, count: 97 },
      ],
    },
    {
      name: 'worker-6b8d7f9c4-t5v2n', ...deployment('worker', '6b8d7f9c4'),
      container: { name: 'worker', image: workerImage, envFrom: [{ configMapRef: { name: 'worker-config' } }], resources: res('100m', '128Mi', '256Mi') },
      scheduled: true,
      events: () => [
        { reason: 'Pulled', message: `Container image "${workerImage}" already present on machine`, first: 2, last: 1_480, count: 120 },
        { reason: 'Failed', type: 'Warning', message: 'Error: configmap "worker-config" not found', first: 2, last: 1_480, count: 120 },
      ],
    },
    {
      name: 'search-0', owner: { kind: 'StatefulSet', name: 'search' }, labels: { app: 'search', 'apps.kubernetes.io/pod-index': '0', 'controller-revision-hash': 'search-7c9b8d5f6', 'statefulset.kubernetes.io/pod-name': 'search-0' },
      container: { name: 'search', image: `${REGISTRY}/search:8.15.1`, ports: [{ containerPort: 9200, name: 'http' }], resources: res('500m', '6Gi', '6Gi') },
      scheduled: false,
      events: () => [
        { reason: 'FailedScheduling', type: 'Warning', message: '0/1 nodes are available: 1 Insufficient memory. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.', eventTime: [0, 412907], action: 'Scheduling' },
      ],
    },
    {
      name: 'cart-7d5f8b6c9-n4p8r', ...deployment('cart', '7d5f8b6c9'),
      container: { name: 'cart', image: cartImage, ports: [{ containerPort: 8080, name: 'http' }], resources: res('100m', '128Mi', '256Mi') },
      scheduled: true,
      events: () => [
        { reason: 'Pulled', message: `Container image "${cartImage}" already present on machine`, first: 2 },
        { reason: 'Created', message: 'Created container: cart', first: 2 },
        { reason: 'Started', message: 'Started container cart', first: 3 },
      ],
    },
  ];
}

/** How each pod's container stands after 25 minutes, as the kubelet (or, for search-0, the scheduler) reports it. */
function statusOf(c: PodCase, pod: { uid: string; ns: string }, mount: Json): Json {
  const resources = c.container.resources as Json;
  const base = { pod: c.name, container: c.container.name, image: c.container.image!, scheduled: 0, resources, mount };
  const oom = (startedAt: number, finishedAt: number, n: number) => ({ terminated: { containerID: containerId(`${c.name}/${n}`), exitCode: 137, reason: 'OOMKilled', startedAt: at(startedAt), finishedAt: at(finishedAt) } });
  switch (c.container.name) {
    case 'checkout':
      return running({ ...base, ip: '10.244.0.10', ready: false, readySince: 1_205, restartCount: 7,
        state: { waiting: { reason: 'CrashLoopBackOff', message: `back-off 5m0s restarting failed container=checkout pod=${c.name}_${pod.ns}(${pod.uid})` } },
        lastState: oom(1_204, 1_231, 7) });
    case 'api':
      return running({ ...base, ip: '10.244.0.11', ready: false, readySince: 1_104, restartCount: 7,
        state: { waiting: { reason: 'CrashLoopBackOff', message: `back-off 5m0s restarting failed container=api pod=${c.name}_${pod.ns}(${pod.uid})` } },
        lastState: { terminated: { containerID: containerId(`${c.name}/7`), exitCode: 1, reason: 'Error', startedAt: at(1_103), finishedAt: at(1_104),
          message: 'Error: DATABASE_URL is not set\n    at loadConfig (/app/dist/config.js:14:11)\n    at main (/app/dist/main.js:8:3)\n' } } });
    case 'web':
      return running({ ...base, ip: '10.244.0.12', ready: false, readySince: 1_491, restartCount: 4, started: true,
        state: { running: { startedAt: at(1_491) } },
        lastState: { terminated: { containerID: containerId(`${c.name}/3`), exitCode: 137, reason: 'Error', startedAt: at(1_170), finishedAt: at(1_490) } } });
    case 'frontend':
      return running({ ...base, ip: '10.244.0.13', ready: false, readySince: 0, restartCount: 0,
        state: { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${c.container.image}"` } } });
    case 'worker':
      return running({ ...base, ip: '10.244.0.14', ready: false, readySince: 0, restartCount: 0,
        state: { waiting: { reason: 'CreateContainerConfigError', message: 'configmap "worker-config" not found' } } });
    case 'cart':
      return running({ ...base, ip: '10.244.0.15', ready: true, readySince: 9, restartCount: 0, state: { running: { startedAt: at(3) } } });
    default:
      // search-0: no node has 6Gi free; the scheduler says so in PodScheduled.
      return {
        phase: 'Pending',
        conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', lastProbeTime: null, lastTransitionTime: at(0),
          message: '0/1 nodes are available: 1 Insufficient memory. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.' }],
        qosClass: 'Burstable',
      };
  }
}

function eventName(pod: string, e: EventSpec, index: number): string {
  const seconds = e.eventTime ? e.eventTime[0] : (e.first ?? 0);
  const nanos = (BigInt(T0 / 1000 + seconds) * 1_000_000_000n) + BigInt((e.eventTime?.[1] ?? 0) * 1000 + index);
  return `${pod}.${nanos.toString(16)}`;
}

function eventBody(c: PodCase, e: EventSpec, index: number, ns: string, node: string, pod: { uid: string; resourceVersion: string }): Json {
  const involved = { apiVersion: 'v1', kind: 'Pod', name: c.name, namespace: ns, uid: pod.uid, resourceVersion: pod.resourceVersion };
  const metadata = { name: eventName(c.name, e, index), namespace: ns };
  if (e.eventTime) {
    return {
      metadata, involvedObject: involved, reason: e.reason, message: e.message, type: e.type ?? 'Normal',
      eventTime: microAt(...e.eventTime), action: e.action ?? 'Binding', source: {},
      reportingComponent: 'default-scheduler', reportingInstance: `default-scheduler-${node}`,
    };
  }
  return {
    metadata, involvedObject: { ...involved, fieldPath: `spec.containers{${c.container.name}}` }, reason: e.reason, message: e.message, type: e.type ?? 'Normal',
    firstTimestamp: at(e.first ?? 0), lastTimestamp: at(e.last ?? e.first ?? 0), count: e.count ?? 1,
    source: { component: 'kubelet', host: node }, reportingComponent: 'kubelet', reportingInstance: node,
  };
}

export async function buildMixedDump(cluster: TestClusterContext): Promise<Json> {
  const { ns, node } = await createMixedFailures(cluster);
  return readDump(cluster, { ns, node }, MIXED_NAMESPACE);
}

/** The mixed failures in a new namespace of the test API server; returns it and the node. */
export async function createMixedFailures(cluster: TestClusterContext): Promise<{ ns: string; node: string }> {
  const ns = await cluster.createNamespace('shop');
  const { name: node } = await cluster.node();
  const cases = podCases();
  const created: Record<string, { uid: string; resourceVersion: string; mount: Json }> = {};
  for (const c of cases) {
    const { volume, mount } = tokenVolume(c.name);
    const ownerUid = uuidFrom(`${c.owner.kind}/${c.owner.name}`);
    const body: V1Pod = {
      metadata: {
        name: c.name,
        ...(c.owner.kind === 'ReplicaSet' ? { generateName: `${c.owner.name}-` } : {}),
        labels: c.labels,
        ownerReferences: [{ apiVersion: 'apps/v1', kind: c.owner.kind, name: c.owner.name, uid: ownerUid, controller: true, blockOwnerDeletion: true }],
      },
      spec: {
        containers: [{ ...c.container, imagePullPolicy: 'IfNotPresent', volumeMounts: [mount as never] }],
        ...(c.owner.kind === 'StatefulSet' ? { hostname: c.name, subdomain: 'search' } : {}),
        serviceAccountName: 'default',
        volumes: [volume as never],
      },
    };
    await cluster.core.createNamespacedPod({ namespace: ns, body });
    if (c.scheduled) await bindPod(cluster.core, ns, c.name, node);
    const pod = await cluster.core.readNamespacedPod({ name: c.name, namespace: ns });
    created[c.name] = { uid: pod.metadata!.uid!, resourceVersion: pod.metadata!.resourceVersion!, mount };
  }
  for (const c of cases) {
    for (const [i, e] of c.events({ uid: created[c.name]!.uid, ns }).entries()) {
      await cluster.core.createNamespacedEvent({ namespace: ns, body: eventBody(c, e, i, ns, node, created[c.name]!) as never });
    }
  }
  for (const c of cases) {
    const status = statusOf(c, { uid: created[c.name]!.uid, ns }, created[c.name]!.mount);
    await cluster.core.patchNamespacedPodStatus({ name: c.name, namespace: ns, body: { status } }, mergePatch);
  }
  return { ns, node };
}
