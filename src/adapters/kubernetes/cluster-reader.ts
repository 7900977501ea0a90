// ClusterReader over the Kubernetes API (read-only: get/list only). SDK objects become core
// snapshots here; failures become AppErrors with k8s_* codes.
import { AppsV1Api, BatchV1Api, CoreV1Api, ApiException, type KubeConfig, type V1ObjectMeta, type V1OwnerReference } from '@kubernetes/client-node';
import { isAppError } from '../../core/errors.ts';
import type { EventSnapshot, OwnerRef, PodSnapshot, WorkloadRef } from '../../core/model.ts';
import type { ClusterReader, LogRequest } from '../../ports.ts';
import { toK8sError, type K8sAction } from './k8s-error.ts';
import { requestTimeout } from './request-timeout.ts';
import { eventToSnapshot, nodeToSnapshot, podToSnapshot } from './to-snapshot.ts';

export interface ClusterReaderOptions {
  /** Per request; a namespace listing is paged, each page gets this much. */
  timeoutMs?: number;
  pageSize?: number;
}

// What the API server answers (400) when there is no such log yet: no previous instance of the
// container, or a container that never started. Not an error for us: the log is empty.
const NO_LOG_PATTERNS = [/previous terminated container .* not found/i, /is waiting to start/i];

function controllerOf(meta: V1ObjectMeta | undefined): V1OwnerReference | undefined {
  const owners = meta?.ownerReferences ?? [];
  return owners.find((o) => o.controller) ?? owners[0];
}

function bodyText(err: ApiException<unknown>): string {
  return typeof err.body === 'string' ? err.body : JSON.stringify(err.body ?? '');
}

export function createClusterReader(kc: KubeConfig, opts: ClusterReaderOptions = {}): ClusterReader {
  const core = kc.makeApiClient(CoreV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  const batch = kc.makeApiClient(BatchV1Api);
  const timeout = requestTimeout(opts.timeoutMs ?? 20_000);
  const pageSize = opts.pageSize ?? 500;

  async function call<T>(action: K8sAction, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw toK8sError(err, action);
    }
  }

  /** Follows `continue` tokens so large namespaces are read in pages. */
  async function listAll<T>(action: K8sAction, page: (cont: string | undefined) => Promise<{ items: T[]; metadata?: { _continue?: string } }>): Promise<T[]> {
    const items: T[] = [];
    let cont: string | undefined;
    do {
      const res = await call(action, () => page(cont));
      items.push(...res.items);
      cont = res.metadata?._continue || undefined;
    } while (cont);
    return items;
  }

  /** Reads an owner; undefined when it is gone or we may not read it (the caller falls back). */
  async function readOwner<T>(action: K8sAction, fn: () => Promise<T>): Promise<T | undefined> {
    try {
      return await call(action, fn);
    } catch (err) {
      if (isAppError(err, 'k8s_forbidden') || isAppError(err, 'k8s_not_found')) return undefined;
      throw err;
    }
  }

  return {
    async listPods(namespace): Promise<PodSnapshot[]> {
      const pods = await listAll({ verb: 'list', resource: 'pods', namespace }, (cont) =>
        core.listNamespacedPod({ namespace, limit: pageSize, _continue: cont }, timeout));
      return pods.map(podToSnapshot);
    },

    async listEvents(namespace): Promise<EventSnapshot[]> {
      const events = await listAll({ verb: 'list', resource: 'events', namespace }, (cont) =>
        core.listNamespacedEvent({ namespace, limit: pageSize, _continue: cont }, timeout));
      return events.map(eventToSnapshot);
    },

    async readLog(req: LogRequest): Promise<string> {
      const action = { verb: 'read', resource: `log of container "${req.container}" of pod`, name: req.pod, namespace: req.namespace };
      try {
        return await core.readNamespacedPodLog({
          name: req.pod,
          namespace: req.namespace,
          container: req.container,
          previous: req.previous,
          tailLines: req.tailLines,
          limitBytes: req.limitBytes,
        }, timeout);
      } catch (err) {
        if (err instanceof ApiException && err.code === 400 && NO_LOG_PATTERNS.some((p) => p.test(bodyText(err)))) return '';
        throw toK8sError(err, action);
      }
    },

    async readNode(name) {
      try {
        return nodeToSnapshot(await call({ verb: 'get', resource: 'node', name }, () => core.readNode({ name }, timeout)));
      } catch (err) {
        if (isAppError(err, 'k8s_not_found')) return undefined;
        throw err;
      }
    },

    async resolveWorkload(namespace, owner: OwnerRef | undefined, podName): Promise<WorkloadRef> {
      if (!owner) return { kind: 'Pod', name: podName };
      if (owner.kind === 'ReplicaSet') {
        const rs = await readOwner({ verb: 'get', resource: 'replicaset', name: owner.name, namespace }, () =>
          apps.readNamespacedReplicaSet({ name: owner.name, namespace }, timeout));
        const top = controllerOf(rs?.metadata);
        return top ? { kind: top.kind, name: top.name } : { kind: 'ReplicaSet', name: owner.name };
      }
      if (owner.kind === 'Job') {
        const job = await readOwner({ verb: 'get', resource: 'job', name: owner.name, namespace }, () =>
          batch.readNamespacedJob({ name: owner.name, namespace }, timeout));
        const top = controllerOf(job?.metadata);
        return top ? { kind: top.kind, name: top.name } : { kind: 'Job', name: owner.name };
      }
      // StatefulSet, DaemonSet, and anything else (a custom controller, a Node for static pods).
      return { kind: owner.kind, name: owner.name };
    },

    async namespaceExists(namespace) {
      try {
        await call({ verb: 'get', resource: 'namespace', name: namespace }, () => core.readNamespace({ name: namespace }, timeout));
        return true;
      } catch (err) {
        if (isAppError(err, 'k8s_not_found')) return false;
        throw err;
      }
    },

    async listNamespaces() {
      const res = await call({ verb: 'list', resource: 'namespaces' }, () => core.listNamespace({}, timeout));
      return res.items.map((n) => n.metadata?.name).filter((n): n is string => Boolean(n)).sort();
    },
  };
}
