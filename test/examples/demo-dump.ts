// Builds examples/demo-oom.json from the real test API server: manifests/demo applied the way
// `kubectl apply -f manifests/demo/` does on a kind cluster (last-applied annotation, the
// ServiceAccount token volume the admission plugin adds), the pods bound to a node, their status
// reported the way the kubelet reports memory-hog after six OOM kills, and the events the
// scheduler and kubelet record on the way. The pods and events are then read back raw, as
// `kubectl get pods,events -n demo -o json` prints them (a List, keys sorted, no managedFields),
// with the run's random names, UIDs, resourceVersions and server times replaced by stable ones.
import { createHash } from 'node:crypto';
import type { KubernetesObject } from '@kubernetes/client-node';
import type { TestClusterContext } from '../support/cluster-context.ts';
import { httpsGet } from '../support/test-cluster/https-get.ts';
import { bindPod } from '../support/test-cluster/pod-status.ts';
import { mergePatch } from '../support/test-cluster/status-patch.ts';

export const DEMO_NAMESPACE = 'demo';
/** The node of `kind create cluster --name kube-ai-sre`. */
export const DEMO_NODE = 'kube-ai-sre-control-plane';

type Json = Record<string, unknown>;

/** Seconds after 2026-11-26T04:36:00Z, the moment `kubectl apply` created the pods. */
export const T0 = Date.parse('2026-11-26T04:36:00Z');
export const at = (s: number): string => new Date(T0 + s * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
export const microAt = (s: number, micros: number): string => at(s).replace(/Z$/, `.${String(micros).padStart(6, '0')}Z`);
export const hex = (seed: string, chars: number): string => createHash('sha256').update(seed).digest('hex').slice(0, chars);
export const uuidFrom = (seed: string): string => {
  const h = hex(seed, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

const TOKEN_VOLUME = 'kube-api-access-';

/** What `kubectl apply` (client side) and the ServiceAccount admission plugin add to a manifest's pod. */
export function asAppliedOnKind(obj: KubernetesObject & { spec?: Json }): KubernetesObject {
  const name = obj.metadata?.name ?? '';
  const lastApplied = sortKeys({ ...obj, metadata: { ...obj.metadata, annotations: {} } });
  const volume = `${TOKEN_VOLUME}${hex(`volume/${name}`, 5).replace(/[0-9]/g, (d) => 'bcdfghjklm'[Number(d)]!)}`;
  const spec = structuredClone(obj.spec ?? {}) as { containers: Json[]; volumes?: Json[]; serviceAccountName?: string };
  spec.serviceAccountName = 'default';
  spec.volumes = [...(spec.volumes ?? []), {
    name: volume,
    projected: {
      defaultMode: 420,
      sources: [
        { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
      ],
    },
  }];
  for (const c of spec.containers) {
    c.volumeMounts = [...((c.volumeMounts as Json[] | undefined) ?? []), { name: volume, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true }];
  }
  return {
    ...obj,
    metadata: { ...obj.metadata, annotations: { 'kubectl.kubernetes.io/last-applied-configuration': `${JSON.stringify(lastApplied)}\n` } },
    spec,
  } as KubernetesObject;
}

export function containerId(seed: string): string {
  return `containerd://${hex(`container/${seed}`, 64)}`;
}

function mountsOf(pod: Json): Json[] {
  const containers = ((pod.spec as Json).containers as Json[]);
  return ((containers[0]!.volumeMounts as Json[]) ?? []).map((m) => ({ ...m, ...(m.readOnly ? { recursiveReadOnly: 'Disabled' } : {}) }));
}

function conditions(readySince: number, ready: boolean): Json[] {
  const notReady = { reason: 'ContainersNotReady', message: 'containers with unready status: [app]' };
  return [
    { type: 'PodReadyToStartContainers', status: 'True', lastProbeTime: null, lastTransitionTime: at(5) },
    { type: 'Initialized', status: 'True', lastProbeTime: null, lastTransitionTime: at(0) },
    { type: 'Ready', status: ready ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: at(readySince), ...(ready ? {} : notReady) },
    { type: 'ContainersReady', status: ready ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: at(readySince), ...(ready ? {} : notReady) },
    { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: at(0) },
  ];
}

/** memory-hog after six OOM kills (restartCount 5), waiting out the 5-minute back-off. */
function memoryHogStatus(pod: Json, uid: string): Json {
  const lastId = containerId('memory-hog/5');
  return {
    phase: 'Running',
    conditions: conditions(327, false),
    hostIP: '172.18.0.2', hostIPs: [{ ip: '172.18.0.2' }],
    podIP: '10.244.0.7', podIPs: [{ ip: '10.244.0.7' }],
    qosClass: 'Burstable',
    startTime: at(0),
    containerStatuses: [{
      name: 'app',
      image: 'docker.io/polinux/stress:1.0.4',
      imageID: 'docker.io/polinux/stress@sha256:b6144f84f9c15dac80deb48d3a646b55c7043ab1d83ea0a697c09097aaad21aa',
      containerID: lastId,
      ready: false,
      started: false,
      restartCount: 5,
      state: { waiting: { reason: 'CrashLoopBackOff', message: `back-off 5m0s restarting failed container=app pod=memory-hog_${DEMO_NAMESPACE}(${uid})` } },
      lastState: { terminated: { containerID: lastId, exitCode: 137, reason: 'OOMKilled', startedAt: at(325), finishedAt: at(326) } },
      resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '64Mi' } },
      volumeMounts: mountsOf(pod),
    }],
  };
}

/** slow-memory-hog: running and ready since its first start; its leak is still far from the limit. */
function slowMemoryHogStatus(pod: Json): Json {
  return {
    phase: 'Running',
    conditions: conditions(8, true),
    hostIP: '172.18.0.2', hostIPs: [{ ip: '172.18.0.2' }],
    podIP: '10.244.0.8', podIPs: [{ ip: '10.244.0.8' }],
    qosClass: 'Burstable',
    startTime: at(0),
    containerStatuses: [{
      name: 'app',
      image: 'docker.io/library/busybox:1.36',
      imageID: 'docker.io/library/busybox@sha256:7edf5efe6b86dbf01ccc3c76b32a37a8e23b84e6bad81ce8ae8c221fa456fda8',
      containerID: containerId('slow-memory-hog/0'),
      ready: true,
      started: true,
      restartCount: 0,
      state: { running: { startedAt: at(8) } },
      lastState: {},
      resources: { requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '128Mi' } },
      volumeMounts: mountsOf(pod),
    }],
  };
}

interface EventSpec {
  pod: string;
  reason: string;
  message: string;
  type?: 'Normal' | 'Warning';
  /** Kubelet events: first and last second, and how often the kubelet saw it. */
  first?: number;
  last?: number;
  count?: number;
  /** Scheduler events (events.k8s.io): when, with microseconds. */
  eventTime?: [number, number];
}

function demoEvents(node: string, ns: string): EventSpec[] {
  const stress = 'polinux/stress:1.0.4';
  return [
    { pod: 'memory-hog', reason: 'Scheduled', message: `Successfully assigned ${ns}/memory-hog to ${node}`, eventTime: [0, 218431] },
    { pod: 'memory-hog', reason: 'Pulling', message: `Pulling image "${stress}"`, first: 1 },
    { pod: 'memory-hog', reason: 'Pulled', message: `Successfully pulled image "${stress}" in 3.869s (3.869s including waiting). Image size: 4041495 bytes.`, first: 5 },
    { pod: 'memory-hog', reason: 'Created', message: 'Created container: app', first: 5, last: 325, count: 6 },
    { pod: 'memory-hog', reason: 'Started', message: 'Started container app', first: 5, last: 325, count: 6 },
    { pod: 'memory-hog', reason: 'BackOff', type: 'Warning', message: `Back-off restarting failed container app in pod memory-hog_${ns}({uid})`, first: 7, last: 422, count: 27 },
    { pod: 'memory-hog', reason: 'Pulled', message: `Container image "${stress}" already present on machine`, first: 17, last: 325, count: 5 },
    { pod: 'slow-memory-hog', reason: 'Scheduled', message: `Successfully assigned ${ns}/slow-memory-hog to ${node}`, eventTime: [0, 231907] },
    { pod: 'slow-memory-hog', reason: 'Pulling', message: 'Pulling image "busybox:1.36"', first: 1 },
    { pod: 'slow-memory-hog', reason: 'Pulled', message: 'Successfully pulled image "busybox:1.36" in 2.117s (5.982s including waiting). Image size: 2160406 bytes.', first: 7 },
    { pod: 'slow-memory-hog', reason: 'Created', message: 'Created container: app', first: 7 },
    { pod: 'slow-memory-hog', reason: 'Started', message: 'Started container app', first: 8 },
  ];
}

/** Event names are the object's name and the first occurrence in hex nanoseconds, as client-go makes them. */
function eventName(e: EventSpec, index: number): string {
  const seconds = e.eventTime ? e.eventTime[0] : (e.first ?? 0);
  const nanos = (BigInt(T0 / 1000 + seconds) * 1_000_000_000n) + BigInt((e.eventTime?.[1] ?? 0) * 1000 + index);
  return `${e.pod}.${nanos.toString(16)}`;
}

function eventBody(e: EventSpec, index: number, ns: string, node: string, pod: { uid: string; resourceVersion: string }): Json {
  const involved = { apiVersion: 'v1', kind: 'Pod', name: e.pod, namespace: ns, uid: pod.uid, resourceVersion: pod.resourceVersion };
  const metadata = { name: eventName(e, index), namespace: ns };
  const message = e.message.replace('{uid}', pod.uid);
  if (e.eventTime) {
    // The scheduler records through events.k8s.io: core/v1 shows eventTime, no timestamps, no source.
    return {
      metadata, involvedObject: involved, reason: e.reason, message, type: e.type ?? 'Normal',
      eventTime: microAt(...e.eventTime), action: 'Binding', source: {},
      reportingComponent: 'default-scheduler', reportingInstance: `default-scheduler-${node}`,
    };
  }
  return {
    metadata, involvedObject: { ...involved, fieldPath: 'spec.containers{app}' }, reason: e.reason, message, type: e.type ?? 'Normal',
    firstTimestamp: at(e.first ?? 0), lastTimestamp: at(e.last ?? e.first ?? 0), count: e.count ?? 1,
    source: { component: 'kubelet', host: node }, reportingComponent: 'kubelet', reportingInstance: node,
  };
}

/** Object keys sorted at every level, as kubectl's JSON printer writes them. */
export function sortKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(sortKeys) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys((value as Json)[k])])) as T;
  }
  return value;
}

/** The dump as the demo namespace of a kind cluster would give it after memory-hog's OOMs. */
export async function buildDemoDump(cluster: TestClusterContext): Promise<Json> {
  const ns = await cluster.createNamespace('demo');
  const { name: node } = await cluster.node();
  const pods: Record<string, { uid: string; resourceVersion: string }> = {};
  for (const file of ['demo/memory-hog.yaml', 'demo/slow-memory-hog.yaml']) {
    const [applied] = await cluster.applyManifest(file, { namespace: ns, transform: asAppliedOnKind });
    const name = applied!.metadata!.name!;
    await bindPod(cluster.core, ns, name, node);
    const pod = await cluster.core.readNamespacedPod({ name, namespace: ns });
    pods[name] = { uid: pod.metadata!.uid!, resourceVersion: pod.metadata!.resourceVersion! };
  }
  const events = demoEvents(node, ns);
  for (const [i, e] of events.entries()) {
    await cluster.core.createNamespacedEvent({ namespace: ns, body: eventBody(e, i, ns, node, pods[e.pod]!) as never });
  }
  const raw = (path: string) => rawGet(cluster, path);
  for (const name of Object.keys(pods)) {
    const pod = await raw(`/api/v1/namespaces/${ns}/pods/${name}`);
    const status = name === 'memory-hog' ? memoryHogStatus(pod, pods[name]!.uid) : slowMemoryHogStatus(pod);
    await cluster.core.patchNamespacedPodStatus({ name, namespace: ns, body: { status } }, mergePatch);
  }
  return readDump(cluster, { ns, node }, DEMO_NAMESPACE);
}

/** One raw GET as the admin, the body parsed: the API server's JSON as it sends it. */
export async function rawGet(cluster: TestClusterContext, path: string): Promise<Json> {
  const res = await httpsGet(`${cluster.info.server}${path}`, { caFile: cluster.info.caFile, certFile: cluster.info.adminCertFile, keyFile: cluster.info.adminKeyFile });
  if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${res.body}`);
  return JSON.parse(res.body) as Json;
}

/** `kubectl get pods,events -n <ns> -o json` of the run's namespace, normalized and renamed to `namespace`. */
export async function readDump(cluster: TestClusterContext, run: { ns: string; node: string }, namespace: string): Promise<Json> {
  const podList = await rawGet(cluster, `/api/v1/namespaces/${run.ns}/pods`);
  const eventList = await rawGet(cluster, `/api/v1/namespaces/${run.ns}/events`);
  const items = [
    ...(podList.items as Json[]).map((p) => ({ apiVersion: 'v1', kind: 'Pod', ...p })),
    ...(eventList.items as Json[]).map((e) => ({ apiVersion: 'v1', kind: 'Event', ...e })),
  ];
  return normalize({ apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items }, run, namespace);
}

/** Replaces what differs between runs (names, UIDs, resourceVersions, server times) with stable values. */
function normalize(list: Json, run: { ns: string; node: string }, namespace: string): Json {
  const items = list.items as Json[];
  const uids = new Map<string, string>();
  const rvs = new Set<string>();
  for (const item of items) {
    const meta = item.metadata as Json;
    uids.set(meta.uid as string, uuidFrom(`${item.kind as string}/${meta.name as string}`));
    rvs.add(meta.resourceVersion as string);
    const involved = item.involvedObject as Json | undefined;
    if (involved?.resourceVersion) rvs.add(involved.resourceVersion as string);
  }
  const rvMap = new Map([...rvs].sort((a, b) => Number(a) - Number(b)).map((rv, i) => [rv, String(48_210 + i * 7)]));
  let text = JSON.stringify(list).split(run.ns).join(namespace).split(run.node).join(DEMO_NODE);
  for (const [real, stable] of uids) text = text.split(real).join(stable);
  const out = JSON.parse(text) as Json;
  for (const item of out.items as Json[]) {
    const meta = item.metadata as Json;
    delete meta.managedFields;
    meta.resourceVersion = rvMap.get(meta.resourceVersion as string);
    const involved = item.involvedObject as Json | undefined;
    if (involved?.resourceVersion) involved.resourceVersion = rvMap.get(involved.resourceVersion as string);
    if (item.kind === 'Pod') meta.creationTimestamp = creationOf(item);
    if (item.kind === 'Event') meta.creationTimestamp = (item.firstTimestamp as string | null) ?? (item.eventTime as string).replace(/\.\d+Z$/, 'Z');
  }
  return sortKeys(out);
}

/** A pod is created just before it is scheduled (its PodScheduled condition), else at -1 s. */
function creationOf(pod: Json): string {
  const scheduled = (((pod.status as Json | undefined)?.conditions as Json[] | undefined) ?? []).find((c) => c.type === 'PodScheduled');
  const when = typeof scheduled?.lastTransitionTime === 'string' ? Date.parse(scheduled.lastTransitionTime) : T0;
  return new Date(when - 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The file's text: kubectl indents JSON with four spaces. */
export function dumpText(dump: Json): string {
  return `${JSON.stringify(dump, null, 4)}\n`;
}
