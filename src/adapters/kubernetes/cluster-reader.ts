// ClusterReader over the Kubernetes API (read-only: get/list only). The API's JSON becomes core
// snapshots here (read as plain JSON, page by page); failures become AppErrors with k8s_* codes.
import { apiErrorStatus, toK8sError, type K8sAction } from './k8s-error.ts';
import type { ClusterRef } from '../../core/cluster/cluster-ref.ts';
import type { KubeConfig } from './client-node.ts';
import { sharedRead } from './shared-read.ts';
import { isAppError } from '../../core/errors.ts';
import { parseEvent, parseNode, parsePod } from '../../core/kube/parse.ts';
import type { EventSnapshot, NodeSnapshot, OwnerRef, PodSnapshot, WorkloadRef } from '../../core/model.ts';
import type { ClusterReader, LogRequest, OwnerLookup } from '../../ports.ts';
import { createKubeJson, forEachPage, METADATA_LIST_ACCEPT, type KubeJson } from './kube-json.ts';

export interface ClusterReaderOptions {
  /** How long one list of the nodes answers every caller (default 30 s). */
  nodeListTtlMs?: number;
  /** Per request; a namespace listing is paged, each page gets this much. */
  timeoutMs?: number;
  pageSize?: number;
  /**
   * A scan that needs more distinct owners of one kind than this reads them with one list of that
   * kind (metadata only) instead of one read each.
   */
  ownerReadsBeforeList?: number;
  /**
   * Snapshots kept from the last list of each namespace, all namespaces together (0: none); about
   * 6.5 KiB of heap each (bench/RESULTS.md). A namespace that would pass it is not remembered.
   */
  maxRememberedPods?: number;
  /** The cluster this reader reads, carried by the incidents found through it. */
  clusterRef?: ClusterRef;
}

interface Remembered {
  resourceVersion: string;
  pod: PodSnapshot;
}

// What the API server answers (400) when there is no such log yet: no previous instance of the
// container, or a container that never started. Not an error for us: the log is empty.
const NO_LOG_PATTERNS = [/previous terminated container .* not found/i, /is waiting to start/i];

/** Owner kinds read to find the workload above them, and where they live in the API. */
const OWNER_KINDS: Record<string, { resource: string; list: string; get: string }> = {
  ReplicaSet: { resource: 'replicaset', list: 'replicasets', get: '/apis/apps/v1/namespaces/{ns}/replicasets' },
  Job: { resource: 'job', list: 'jobs', get: '/apis/batch/v1/namespaces/{ns}/jobs' },
};

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const enc = encodeURIComponent;

/** The controlling owner in an object's metadata (or its first owner), from the API's JSON. */
function controllerOf(meta: unknown): { kind: string; name: string } | undefined {
  const owners = isRecord(meta) && Array.isArray(meta.ownerReferences) ? meta.ownerReferences.filter(isRecord) : [];
  const top = owners.find((o) => o.controller === true) ?? owners[0];
  return top && typeof top.kind === 'string' && typeof top.name === 'string' ? { kind: top.kind, name: top.name } : undefined;
}

function bodyText(err: unknown): string {
  const body = (err as { body?: unknown }).body;
  return typeof body === 'string' ? body : JSON.stringify(body ?? '');
}

export function createClusterReader(kc: KubeConfig, opts: ClusterReaderOptions = {}): ClusterReader {
  const kube: KubeJson = createKubeJson(kc, { timeoutMs: opts.timeoutMs ?? 20_000 });
  const pageSize = opts.pageSize ?? 500;
  const ownerReadsBeforeList = opts.ownerReadsBeforeList ?? 2;
  const maxRemembered = opts.maxRememberedPods ?? 10_000;
  // A pod whose uid and resourceVersion are those of the last list has not changed: it keeps the
  // snapshot made then (parsing is pure), so a scheduled scan of a quiet namespace only parses
  // the JSON of its pages. One map per namespace, replaced by each complete list.
  const remembered = new Map<string, Map<string, Remembered>>();
  const rememberedCount = (except: string) => [...remembered].reduce((n, [ns, m]) => (ns === except ? n : n + m.size), 0);

  // Node capacity changes rarely; pods waiting on it are re-detected often.
  const listNodes = sharedRead((): Promise<NodeSnapshot[]> => listConverted({ verb: 'list', resource: 'nodes' }, '/api/v1/nodes', parseNode), opts.nodeListTtlMs ?? 30_000);

  async function call<T>(action: K8sAction, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw toK8sError(err, action);
    }
  }

  /** Lists a namespaced collection page by page, converting each page's items as it arrives. */
  async function listConverted<T>(action: K8sAction, path: string, convert: (item: unknown) => T): Promise<T[]> {
    const out: T[] = [];
    await call(action, () => forEachPage(kube, path, { limit: pageSize }, (items) => {
      for (const item of items) out.push(convert(item));
    }));
    return out;
  }

  /** Reads an owner; undefined when it is gone or we may not read it (the caller falls back). */
  async function readOwnerController(kind: string, namespace: string, name: string): Promise<{ kind: string; name: string } | undefined> {
    const where = OWNER_KINDS[kind]!;
    try {
      const json = await call({ verb: 'get', resource: where.resource, name, namespace }, () =>
        kube.getJson(`${where.get.replace('{ns}', enc(namespace))}/${enc(name)}`));
      return controllerOf(isRecord(json) ? json.metadata : undefined);
    } catch (err) {
      if (isAppError(err, 'k8s_forbidden') || isAppError(err, 'k8s_not_found')) return undefined;
      throw err;
    }
  }

  /**
   * Every owner of one kind in the namespace (metadata only), name → its controller (null: none).
   * Undefined when we may not list them (the caller reads them one by one instead).
   */
  async function listOwnerControllers(kind: string, namespace: string): Promise<Map<string, { kind: string; name: string } | null> | undefined> {
    const where = OWNER_KINDS[kind]!;
    const byName = new Map<string, { kind: string; name: string } | null>();
    try {
      await call({ verb: 'list', resource: where.list, namespace }, () =>
        forEachPage(kube, where.get.replace('{ns}', enc(namespace)), { limit: pageSize }, (items) => {
          for (const item of items) {
            const meta = isRecord(item) ? item.metadata : undefined;
            if (isRecord(meta) && typeof meta.name === 'string') byName.set(meta.name, controllerOf(meta) ?? null);
          }
        }, { accept: METADATA_LIST_ACCEPT }));
    } catch (err) {
      if (isAppError(err, 'k8s_forbidden')) return undefined;
      throw err;
    }
    return byName;
  }

  const toWorkload = (owner: OwnerRef, top: { kind: string; name: string } | null | undefined): WorkloadRef =>
    top ? { kind: top.kind, name: top.name } : { kind: owner.kind, name: owner.name };

  async function resolveOne(namespace: string, owner: OwnerRef | undefined, podName: string): Promise<WorkloadRef> {
    if (!owner) return { kind: 'Pod', name: podName };
    // StatefulSet, DaemonSet, and anything else (a custom controller, a Node for static pods).
    if (!OWNER_KINDS[owner.kind]) return { kind: owner.kind, name: owner.name };
    return toWorkload(owner, await readOwnerController(owner.kind, namespace, owner.name));
  }

  return {
    ...(opts.clusterRef ? { clusterRef: opts.clusterRef } : {}),
    async listPods(namespace): Promise<PodSnapshot[]> {
      const previous = remembered.get(namespace);
      const next = new Map<string, Remembered>();
      const pods = await listConverted({ verb: 'list', resource: 'pods', namespace }, `/api/v1/namespaces/${enc(namespace)}/pods`, (item) => {
        const meta = isRecord(item) && isRecord(item.metadata) ? item.metadata : undefined;
        const uid = typeof meta?.uid === 'string' ? meta.uid : undefined;
        const resourceVersion = typeof meta?.resourceVersion === 'string' ? meta.resourceVersion : undefined;
        if (uid === undefined || !resourceVersion) return parsePod(item);
        const known = previous?.get(uid);
        const pod = known && known.resourceVersion === resourceVersion ? known.pod : parsePod(item);
        next.set(uid, { resourceVersion, pod });
        return pod;
      });
      if (next.size > 0 && next.size + rememberedCount(namespace) <= maxRemembered) remembered.set(namespace, next);
      else remembered.delete(namespace);
      return pods;
    },

    async readPod(namespace, name): Promise<PodSnapshot | undefined> {
      try {
        return parsePod(await call({ verb: 'get', resource: 'pod', name, namespace }, () => kube.getJson(`/api/v1/namespaces/${enc(namespace)}/pods/${enc(name)}`)));
      } catch (err) {
        if (isAppError(err, 'k8s_not_found')) return undefined;
        throw err;
      }
    },

    async listEvents(namespace): Promise<EventSnapshot[]> {
      return listConverted({ verb: 'list', resource: 'events', namespace }, `/api/v1/namespaces/${enc(namespace)}/events`, parseEvent);
    },

    async readLog(req: LogRequest): Promise<string> {
      const action = { verb: 'read', resource: `log of container "${req.container}" of pod`, name: req.pod, namespace: req.namespace };
      try {
        return await kube.getText(`/api/v1/namespaces/${enc(req.namespace)}/pods/${enc(req.pod)}/log`, {
          container: req.container,
          previous: req.previous,
          tailLines: req.tailLines,
          limitBytes: req.limitBytes,
        }, { accept: '*/*' });
      } catch (err) {
        if (apiErrorStatus(err) === 400 && NO_LOG_PATTERNS.some((p) => p.test(bodyText(err)))) return '';
        throw toK8sError(err, action);
      }
    },

    listNodes,

    async readNode(name) {
      try {
        return parseNode(await call({ verb: 'get', resource: 'node', name }, () => kube.getJson(`/api/v1/nodes/${enc(name)}`)));
      } catch (err) {
        if (isAppError(err, 'k8s_not_found')) return undefined;
        throw err;
      }
    },

    resolveWorkload: resolveOne,

    async resolveWorkloads(namespace, lookups: OwnerLookup[]): Promise<WorkloadRef[]> {
      // Distinct owners per kind; a kind with more of them than a few reads them with one list.
      const names = new Map<string, Set<string>>();
      for (const { owner } of lookups) {
        if (owner && OWNER_KINDS[owner.kind]) names.set(owner.kind, (names.get(owner.kind) ?? new Set()).add(owner.name));
      }
      const listed = new Map<string, Map<string, { kind: string; name: string } | null>>();
      for (const [kind, set] of names) {
        if (set.size <= ownerReadsBeforeList) continue;
        const all = await listOwnerControllers(kind, namespace);
        if (all) listed.set(kind, all);
      }
      const read = new Map<string, Promise<WorkloadRef>>();
      const out: WorkloadRef[] = [];
      for (const { owner, podName } of lookups) {
        const byName = owner ? listed.get(owner.kind) : undefined;
        if (owner && byName) {
          // Missing from the list: gone, as a read would have found (the pod's owner is the answer).
          out.push(toWorkload(owner, byName.get(owner.name)));
          continue;
        }
        const key = owner ? `${owner.kind}/${owner.name}` : `Pod/${podName}`;
        let p = owner ? read.get(key) : undefined;
        if (!p) {
          p = resolveOne(namespace, owner, podName);
          if (owner) read.set(key, p);
        }
        out.push(await p);
      }
      return out;
    },

    async namespaceExists(namespace) {
      try {
        await call({ verb: 'get', resource: 'namespace', name: namespace }, () => kube.getJson(`/api/v1/namespaces/${enc(namespace)}`));
        return true;
      } catch (err) {
        if (isAppError(err, 'k8s_not_found')) return false;
        throw err;
      }
    },

    async listNamespaces() {
      const names: string[] = [];
      await call({ verb: 'list', resource: 'namespaces' }, () => forEachPage(kube, '/api/v1/namespaces', { limit: pageSize }, (items) => {
        for (const item of items) {
          const meta = isRecord(item) ? item.metadata : undefined;
          if (isRecord(meta) && typeof meta.name === 'string' && meta.name) names.push(meta.name);
        }
      }));
      return names.sort();
    },
  };
}
