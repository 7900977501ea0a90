// Realistic Deployment-owned pods in bulk: Deployment → ReplicaSet → pods with two containers
// (app + sidecar), requests/limits, probes, env, volumes, owner references, bound to a node, and
// status patched the way a kubelet reports it (running, or OOMKilled / CrashLoopBackOff after OOM).
import { randomBytes } from 'node:crypto';
import type { AppsV1Api, CoreV1Api, V1Pod } from '@kubernetes/client-node';
import { setContainerScenario, type ContainerScenario } from '../../test/support/test-cluster/pod-status.ts';

export interface Workload {
  name: string;
  replicaSet: string;
  replicaSetUid: string;
  templateHash: string;
}

/** What the app container wrote before the OOM kill (its previous log, served by the fake kubelet). */
export const JAVA_OOM_LOG = [
  '2026-11-26T04:40:58Z INFO  request handled path=/api/orders status=200 duration_ms=41',
  '2026-11-26T04:41:03Z WARN  heap usage 91% of limit, gc pause 840ms',
  '2026-11-26T04:41:07Z ERROR java.lang.OutOfMemoryError: Java heap space',
].join('\n');

const TEAMS = ['payments', 'search', 'checkout', 'catalog', 'identity'];

function podTemplate(app: string, team: string, templateHash?: string) {
  return {
    metadata: {
      labels: { app, team, 'app.kubernetes.io/name': app, 'app.kubernetes.io/part-of': 'shop', ...(templateHash ? { 'pod-template-hash': templateHash } : {}) },
      annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9090', 'kubectl.kubernetes.io/default-container': 'app' },
    },
    spec: {
      terminationGracePeriodSeconds: 30,
      securityContext: { runAsNonRoot: true, runAsUser: 10001, fsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [
        {
          name: 'app',
          image: `registry.example.com/${team}/${app}:1.14.${app.length % 10}`,
          args: ['--port=8080', '--metrics-port=9090', `--service-name=${app}`],
          ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }, { name: 'metrics', containerPort: 9090, protocol: 'TCP' }],
          env: [
            { name: 'JAVA_OPTS', value: '-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError' },
            { name: 'LOG_LEVEL', value: 'info' },
            { name: 'SERVICE_NAME', value: app },
            { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
            { name: 'MEMORY_LIMIT', valueFrom: { resourceFieldRef: { containerName: 'app', resource: 'limits.memory' } } },
          ],
          resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '512Mi' } },
          livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 10, failureThreshold: 3 },
          readinessProbe: { httpGet: { path: '/ready', port: 'http' }, periodSeconds: 5 },
          volumeMounts: [{ name: 'config', mountPath: '/etc/app' }, { name: 'tmp', mountPath: '/tmp' }],
          securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
        },
        {
          name: 'proxy',
          image: 'registry.example.com/platform/envoy:1.31.2',
          args: ['--config-path', '/etc/envoy/envoy.yaml', '--log-level', 'warn'],
          ports: [{ name: 'proxy', containerPort: 15001, protocol: 'TCP' }],
          resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '128Mi' } },
          readinessProbe: { httpGet: { path: '/ready', port: 15021 }, periodSeconds: 5 },
          volumeMounts: [{ name: 'envoy', mountPath: '/etc/envoy' }],
          securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
        },
      ],
      volumes: [
        { name: 'config', configMap: { name: `${app}-config` } },
        { name: 'envoy', configMap: { name: 'envoy-sidecar' } },
        { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
      ],
    },
  };
}

/** Creates a Deployment and its ReplicaSet (no controllers run: the objects just exist, as owners). */
export async function createWorkload(apps: AppsV1Api, namespace: string, name: string): Promise<Workload> {
  const team = TEAMS[name.length % TEAMS.length]!;
  const templateHash = randomBytes(5).toString('hex').slice(0, 10);
  const deployment = await apps.createNamespacedDeployment({
    namespace,
    body: { metadata: { name, labels: { app: name, team } }, spec: { replicas: 10, selector: { matchLabels: { app: name } }, template: podTemplate(name, team) } },
  });
  const replicaSet = `${name}-${templateHash}`;
  const rs = await apps.createNamespacedReplicaSet({
    namespace,
    body: {
      metadata: {
        name: replicaSet,
        labels: { app: name, 'pod-template-hash': templateHash },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name, uid: deployment.metadata!.uid!, controller: true, blockOwnerDeletion: true }],
      },
      spec: { replicas: 10, selector: { matchLabels: { app: name, 'pod-template-hash': templateHash } }, template: podTemplate(name, team, templateHash) },
    },
  });
  return { name, replicaSet, replicaSetUid: rs.metadata!.uid!, templateHash };
}

/** Creates one pod of a workload, already bound to `nodeName` (spec.nodeName, as after scheduling). */
export async function createWorkloadPod(core: CoreV1Api, namespace: string, w: Workload, nodeName: string): Promise<V1Pod> {
  const team = TEAMS[w.name.length % TEAMS.length]!;
  const template = podTemplate(w.name, team, w.templateHash);
  // Five random characters, as the ReplicaSet controller names pods, and like it a new name when
  // one is taken (in a 20,000-pod run two pods of one ReplicaSet drawing the same name happens).
  for (let attempt = 1; ; attempt++) {
    try {
      return await core.createNamespacedPod({
        namespace,
        body: {
          metadata: {
            ...template.metadata,
            name: `${w.replicaSet}-${randomBytes(3).toString('hex').slice(0, 5)}`,
            ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: w.replicaSet, uid: w.replicaSetUid, controller: true, blockOwnerDeletion: true }],
          },
          spec: { ...template.spec, nodeName },
        },
      });
    } catch (err) {
      if ((err as { code?: number }).code !== 409 || attempt >= 5) throw err;
    }
  }
}

/**
 * Patches the pod's status as the kubelet would: app container in `scenario`, the sidecar running.
 * The pod just created is handed to the status helper instead of being read back (one request less).
 */
export function reportStatus(core: CoreV1Api, pod: V1Pod, scenario: ContainerScenario): Promise<V1Pod> {
  const known = new Proxy(core, {
    get(target, prop, receiver) {
      if (prop === 'readNamespacedPod') return async () => pod;
      const value: unknown = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return setContainerScenario(known, pod.metadata!.namespace!, pod.metadata!.name!, 'app', scenario);
}

/** Runs `task` for 0..n-1 with at most `concurrency` in flight. */
export async function pool(n: number, concurrency: number, task: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
}
