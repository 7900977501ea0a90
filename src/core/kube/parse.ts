// Raw Kubernetes JSON (as `kubectl get ... -o json` prints it, or as a client library returns it)
// → the core's snapshots. Loose on purpose: missing status, null lists and numbers-as-strings are
// tolerated; only input that is not an object, or an object of the wrong kind, is refused.
import { z } from 'zod';
import { AppError } from '../errors.ts';
import type {
  ContainerSnapshot,
  ContainerState,
  ContainerType,
  EventSnapshot,
  NodeSnapshot,
  OwnerRef,
  PodSnapshot,
  Termination,
} from '../model.ts';
import { flag, int, isRecord, list, obj, stringMap, text, textList, time } from './loose.ts';
import { heapFlags } from './heap-flags.ts';

const RawMetadata = obj({
  name: text,
  namespace: text,
  uid: text,
  labels: stringMap,
  creationTimestamp: time,
  ownerReferences: list(obj({ kind: text, name: text, uid: text, controller: flag })),
});

const RawResources = obj({ requests: obj({ memory: text, cpu: text }), limits: obj({ memory: text, cpu: text }) });

const RawContainerSpec = obj({
  name: text,
  image: text,
  restartPolicy: text,
  resources: RawResources,
  command: textList,
  args: textList,
  env: list(obj({ name: text, value: text })),
});

const RawTerminated = obj({
  reason: text,
  message: text,
  exitCode: int,
  signal: int,
  startedAt: time,
  finishedAt: time,
});

const RawState = obj({ running: z.unknown().optional(), waiting: z.unknown().optional(), terminated: z.unknown().optional() });

const RawContainerStatus = obj({
  name: text,
  image: text,
  ready: flag,
  restartCount: int,
  state: RawState,
  lastState: RawState,
  // Resources actually applied (in-place resize); wins over the spec when present.
  resources: RawResources,
});

const RawPod = obj({
  kind: z.unknown().optional(),
  metadata: RawMetadata,
  spec: obj({
    nodeName: text,
    containers: list(RawContainerSpec),
    initContainers: list(RawContainerSpec),
    ephemeralContainers: list(RawContainerSpec),
  }),
  status: obj({
    phase: text,
    reason: text,
    message: text,
    qosClass: text,
    startTime: time,
    conditions: list(obj({ type: text, status: text, reason: text, message: text })),
    containerStatuses: list(RawContainerStatus),
    initContainerStatuses: list(RawContainerStatus),
    ephemeralContainerStatuses: list(RawContainerStatus),
  }),
});

const RawObjectRef = obj({ kind: text, name: text, namespace: text, fieldPath: text });

const RawEvent = obj({
  kind: z.unknown().optional(),
  metadata: RawMetadata,
  involvedObject: RawObjectRef,
  // events.k8s.io/v1 names
  regarding: RawObjectRef,
  note: text,
  deprecatedCount: int,
  deprecatedFirstTimestamp: time,
  deprecatedLastTimestamp: time,
  deprecatedSource: obj({ component: text, host: text }),
  reportingController: text,
  // core/v1 names
  type: text,
  reason: text,
  message: text,
  count: int,
  firstTimestamp: time,
  lastTimestamp: time,
  eventTime: time,
  series: obj({ count: int, lastObservedTime: time }),
  source: obj({ component: text, host: text }),
  reportingComponent: text,
});

const RawNode = obj({
  kind: z.unknown().optional(),
  metadata: RawMetadata,
  status: obj({
    conditions: list(obj({ type: text, status: text, reason: text, message: text })),
    allocatable: obj({ memory: text, cpu: text }),
    capacity: obj({ memory: text }),
  }),
});

type RawStateT = z.infer<typeof RawState>;
type RawContainerSpecT = z.infer<typeof RawContainerSpec>;
type RawContainerStatusT = z.infer<typeof RawContainerStatus>;

function requireObject(json: unknown, what: string): Record<string, unknown> {
  if (!isRecord(json)) {
    const got = json === null ? 'null' : Array.isArray(json) ? 'an array' : typeof json;
    throw new AppError('input_invalid', `expected a ${what} object, got ${got}`, { got });
  }
  return json;
}

function requireKind(json: Record<string, unknown>, kind: string): void {
  // List items from the API server carry no kind; absent means "trust the caller".
  if (typeof json.kind === 'string' && json.kind !== kind) {
    throw new AppError('input_invalid', `expected kind ${kind}, got kind ${json.kind}`, { expected: kind, got: json.kind });
  }
}

function toTermination(raw: unknown): Termination | undefined {
  if (!isRecord(raw)) return undefined;
  const t = RawTerminated.parse(raw);
  return dropUndefined({
    reason: t.reason,
    exitCode: t.exitCode,
    signal: t.signal,
    message: t.message,
    startedAt: t.startedAt,
    finishedAt: t.finishedAt,
  });
}

function toState(raw: RawStateT | undefined): ContainerState {
  if (raw && isRecord(raw.terminated)) {
    const t = RawTerminated.parse(raw.terminated);
    return dropUndefined({
      kind: 'terminated' as const,
      reason: t.reason,
      message: t.message,
      exitCode: t.exitCode,
      startedAt: t.startedAt,
      finishedAt: t.finishedAt,
    });
  }
  if (raw && isRecord(raw.waiting)) {
    const w = obj({ reason: text, message: text }).parse(raw.waiting);
    return dropUndefined({ kind: 'waiting' as const, reason: w.reason, message: w.message });
  }
  if (raw && isRecord(raw.running)) {
    const r = obj({ startedAt: time }).parse(raw.running);
    return dropUndefined({ kind: 'running' as const, startedAt: r.startedAt });
  }
  return { kind: 'unknown' };
}

function containerType(group: 'containers' | 'init' | 'ephemeral', spec: RawContainerSpecT | undefined): ContainerType {
  if (group === 'ephemeral') return 'ephemeral';
  if (group === 'init') return spec?.restartPolicy === 'Always' ? 'sidecar' : 'init';
  return 'app';
}

/** Spec and status of one group (containers / initContainers / ephemeralContainers), merged by name. */
function mergeGroup(
  group: 'containers' | 'init' | 'ephemeral',
  specs: RawContainerSpecT[],
  statuses: RawContainerStatusT[],
): ContainerSnapshot[] {
  const statusByName = new Map<string, RawContainerStatusT>();
  for (const s of statuses) if (s.name !== undefined && !statusByName.has(s.name)) statusByName.set(s.name, s);
  const specNames = new Set<string>();
  const out: ContainerSnapshot[] = [];
  const add = (name: string, spec: RawContainerSpecT | undefined, status: RawContainerStatusT | undefined) => {
    const restarts = status?.restartCount ?? 0;
    out.push(
      dropUndefined({
        name,
        type: containerType(group, spec),
        image: spec?.image ?? status?.image,
        memoryRequest: status?.resources.requests.memory ?? spec?.resources.requests.memory,
        memoryLimit: status?.resources.limits.memory ?? spec?.resources.limits.memory,
        cpuRequest: status?.resources.requests.cpu ?? spec?.resources.requests.cpu,
        cpuLimit: status?.resources.limits.cpu ?? spec?.resources.limits.cpu,
        ready: status?.ready ?? false,
        restartCount: restarts < 0 ? 0 : restarts,
        state: toState(status?.state),
        lastTermination: status ? toTermination(status.lastState.terminated) : undefined,
        heapFlags: spec ? nonEmpty(heapFlags(spec.command, spec.args, spec.env)) : undefined,
      }),
    );
  };
  for (const spec of specs) {
    if (spec.name === undefined || specNames.has(spec.name)) continue;
    specNames.add(spec.name);
    add(spec.name, spec, statusByName.get(spec.name));
  }
  // A status without a spec (a partial object) still tells us about a container.
  for (const [name, status] of statusByName) if (!specNames.has(name)) add(name, undefined, status);
  return out;
}

function toOwners(raw: z.infer<typeof RawMetadata>['ownerReferences']): OwnerRef[] {
  const owners: OwnerRef[] = [];
  for (const o of raw) {
    if (o.kind === undefined || o.name === undefined) continue;
    owners.push(dropUndefined({ kind: o.kind, name: o.name, uid: o.uid, controller: o.controller }));
  }
  return owners;
}

function nonEmpty<T>(list: T[]): T[] | undefined {
  return list.length > 0 ? list : undefined;
}

function podConditions(raw: Array<{ type?: string; status?: string; reason?: string; message?: string }>): PodSnapshot['conditions'] {
  const out = raw.flatMap((c) => (c.type !== undefined && c.status !== undefined ? [dropUndefined({ type: c.type, status: c.status, reason: c.reason, message: c.message })] : []));
  return out.length > 0 ? out : undefined;
}

export function parsePod(json: unknown): PodSnapshot {
  requireKind(requireObject(json, 'Pod'), 'Pod');
  const raw = RawPod.parse(json);
  const { metadata: m, spec, status } = raw;
  return dropUndefined({
    namespace: m.namespace ?? 'default',
    name: m.name ?? '',
    uid: m.uid,
    phase: status.phase,
    reason: status.reason,
    message: status.message,
    nodeName: spec.nodeName,
    qosClass: status.qosClass,
    labels: m.labels,
    ownerReferences: toOwners(m.ownerReferences),
    creationTimestamp: m.creationTimestamp,
    startTime: status.startTime,
    conditions: podConditions(status.conditions),
    containers: [
      ...mergeGroup('init', spec.initContainers, status.initContainerStatuses),
      ...mergeGroup('containers', spec.containers, status.containerStatuses),
      ...mergeGroup('ephemeral', spec.ephemeralContainers, status.ephemeralContainerStatuses),
    ],
  });
}

export function parseEvent(json: unknown): EventSnapshot {
  requireKind(requireObject(json, 'Event'), 'Event');
  const e = RawEvent.parse(json);
  const about = e.involvedObject.name !== undefined || e.involvedObject.kind !== undefined ? e.involvedObject : e.regarding;
  const first = e.firstTimestamp ?? e.deprecatedFirstTimestamp ?? e.eventTime;
  return dropUndefined({
    namespace: e.metadata.namespace ?? about.namespace ?? 'default',
    involvedKind: about.kind,
    involvedName: about.name,
    involvedFieldPath: about.fieldPath,
    type: e.type,
    reason: e.reason,
    message: e.message ?? e.note,
    count: e.count ?? e.deprecatedCount ?? e.series.count,
    firstTimestamp: first,
    // A series keeps its first time and moves lastObservedTime: the latest of them is when it last happened.
    lastTimestamp: [e.lastTimestamp, e.deprecatedLastTimestamp, e.series.lastObservedTime].filter((t) => t !== undefined).sort().at(-1) ?? first,
    source: e.source.component ?? e.deprecatedSource.component ?? e.reportingComponent ?? e.reportingController,
  });
}

export function parseNode(json: unknown): NodeSnapshot {
  requireKind(requireObject(json, 'Node'), 'Node');
  const n = RawNode.parse(json);
  const conditions = n.status.conditions.flatMap((c) =>
    c.type === undefined || c.status === undefined
      ? []
      : [dropUndefined({ type: c.type, status: c.status, reason: c.reason, message: c.message })],
  );
  return dropUndefined({
    name: n.metadata.name ?? '',
    conditions,
    allocatableMemory: n.status.allocatable.memory,
    allocatableCpu: n.status.allocatable.cpu,
    capacityMemory: n.status.capacity.memory,
  });
}

export interface KubeDump {
  pods: PodSnapshot[];
  events: EventSnapshot[];
  nodes: NodeSnapshot[];
}

const LIST_KINDS: Record<string, string | undefined> = { List: undefined, PodList: 'Pod', EventList: 'Event', NodeList: 'Node' };

// Items of a List from the API server carry no kind; guess from the shape.
function guessKind(item: Record<string, unknown>): string | undefined {
  if (isRecord(item.involvedObject) || isRecord(item.regarding)) return 'Event';
  const spec = isRecord(item.spec) ? item.spec : {};
  const status = isRecord(item.status) ? item.status : {};
  if (Array.isArray(spec.containers) || Array.isArray(status.containerStatuses)) return 'Pod';
  if (isRecord(status.nodeInfo) || isRecord(status.allocatable)) return 'Node';
  return undefined;
}

function addItem(dump: KubeDump, item: Record<string, unknown>, kind: string | undefined): void {
  if (kind === 'Pod') dump.pods.push(parsePod(item));
  else if (kind === 'Event') dump.events.push(parseEvent(item));
  else if (kind === 'Node') dump.nodes.push(parseNode(item));
  // Other kinds (Services, ReplicaSets... as `kubectl get all` prints) are not our business.
}

/**
 * A `kubectl get pods,events,nodes -o json` dump (kind List / PodList / EventList / NodeList,
 * items of mixed kinds) or a single Pod, Event or Node.
 */
export function parseKubeDump(json: unknown): KubeDump {
  const root = requireObject(json, 'List or Pod');
  const dump: KubeDump = { pods: [], events: [], nodes: [] };
  const kind = typeof root.kind === 'string' ? root.kind : undefined;
  const isList = kind !== undefined ? Object.hasOwn(LIST_KINDS, kind) : Array.isArray(root.items);
  if (isList) {
    const itemKind = kind !== undefined ? LIST_KINDS[kind] : undefined;
    const items = Array.isArray(root.items) ? root.items : [];
    for (const item of items) {
      if (!isRecord(item)) continue;
      const k = typeof item.kind === 'string' ? item.kind : (itemKind ?? guessKind(item));
      addItem(dump, item, k);
    }
    return dump;
  }
  if (kind === undefined || kind === 'Pod' || kind === 'Event' || kind === 'Node') {
    addItem(dump, root, kind ?? 'Pod');
    return dump;
  }
  throw new AppError('input_invalid', `expected a Pod or a List (List, PodList, EventList, NodeList), got kind ${kind}`, {
    got: kind,
  });
}

/** Optional fields stay absent rather than present-and-undefined (clean JSON, stable equality). */
function dropUndefined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}
