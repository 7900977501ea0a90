// Proves manifests/agent/rbac.yaml: the agent's ServiceAccount (token from TokenRequest) can make
// every read the agent needs, and any write on pods or deployments is refused with 403.
import { beforeAll, expect, it } from 'vitest';
import {
  ApiException, AppsV1Api, AuthorizationV1Api, BatchV1Api, CoreV1Api, EventsV1Api, PatchStrategy, setHeaderOptions, type KubeConfig,
} from '@kubernetes/client-node';
import { describeWithCluster, useTestCluster } from '../support/cluster-context.ts';

async function statusOf(call: () => Promise<unknown>): Promise<number> {
  try {
    await call();
    return 200;
  } catch (err) {
    if (err instanceof ApiException) return err.code;
    throw err;
  }
}

// Everything the agent reads (resource, API group); each must allow get, list and watch.
const READS: [string, string][] = [
  ['pods', ''], ['pods/log', ''], ['events', ''], ['nodes', ''], ['namespaces', ''],
  ['events', 'events.k8s.io'],
  ['replicasets', 'apps'], ['deployments', 'apps'], ['statefulsets', 'apps'], ['daemonsets', 'apps'],
  ['jobs', 'batch'], ['cronjobs', 'batch'],
  ['pods', 'metrics.k8s.io'], ['nodes', 'metrics.k8s.io'],
];

describeWithCluster('agent RBAC (manifests/agent/rbac.yaml)', () => {
  const cluster = useTestCluster();
  let ns: string;
  let sa: KubeConfig;
  let node: string;

  beforeAll(async () => {
    const applied = await cluster.applyManifest('agent/rbac.yaml');
    expect(applied.map((o) => o.kind)).toEqual(['Namespace', 'ServiceAccount', 'ClusterRole', 'ClusterRoleBinding']);
    sa = await cluster.serviceAccountKubeConfig('kube-ai-sre', 'kube-ai-sre-agent');
    ns = await cluster.createNamespace('rbac');
    await cluster.applyDemo(ns);
    node = (await cluster.node()).name;
    await cluster.setContainerScenario(ns, 'memory-hog', 'app', { kind: 'crash-loop-after-oom' });
    await cluster.setLogs(ns, 'memory-hog', 'app', { previous: 'allocating\nKilled\n' });
    await cluster.apps.createNamespacedDeployment({ namespace: ns, body: {
      metadata: { name: 'web' },
      spec: { selector: { matchLabels: { app: 'web' } }, template: {
        metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] },
      } },
    } });
  });

  it('the authorizer allows get, list and watch on everything the agent reads, and nothing else', async () => {
    const authz = sa.makeApiClient(AuthorizationV1Api);
    const can = async (verb: string, resource: string, group: string, namespace?: string): Promise<boolean> => {
      const [res, sub] = resource.split('/');
      const review = await authz.createSelfSubjectAccessReview({ body: { spec: {
        resourceAttributes: { verb, group, resource: res, subresource: sub, namespace },
      } } });
      return review.status?.allowed === true;
    };
    for (const [resource, group] of READS) {
      for (const verb of ['get', 'list', 'watch']) {
        expect(await can(verb, resource, group, ns), `${verb} ${group || 'core'}/${resource}`).toBe(true);
      }
    }
    const refused: [string, string, string][] = [
      ...['create', 'update', 'patch', 'delete', 'deletecollection'].flatMap((v): [string, string, string][] => [
        [v, 'pods', ''], [v, 'deployments', 'apps'],
      ]),
      ['create', 'pods/exec', ''], ['create', 'pods/eviction', ''], ['patch', 'deployments/scale', 'apps'],
      ['get', 'secrets', ''], ['list', 'configmaps', ''], ['update', 'nodes', ''], ['patch', 'pods/status', ''],
    ];
    for (const [verb, resource, group] of refused) {
      expect(await can(verb, resource, group, ns), `${verb} ${group || 'core'}/${resource}`).toBe(false);
    }
  });

  it('every read the agent makes succeeds through the API server', async () => {
    const core = sa.makeApiClient(CoreV1Api);
    const apps = sa.makeApiClient(AppsV1Api);
    const batch = sa.makeApiClient(BatchV1Api);
    const events = sa.makeApiClient(EventsV1Api);
    const pods = await core.listNamespacedPod({ namespace: ns });
    expect(pods.items.map((p) => p.metadata?.name).sort()).toEqual(['memory-hog', 'slow-memory-hog']);
    expect((await core.readNamespacedPod({ name: 'memory-hog', namespace: ns })).status?.containerStatuses?.[0]?.lastState?.terminated?.reason).toBe('OOMKilled');
    expect(await core.readNamespacedPodLog({ name: 'memory-hog', namespace: ns, container: 'app', previous: true, tailLines: 1 })).toBe('Killed\n');
    expect((await core.listPodForAllNamespaces({ labelSelector: 'app.kubernetes.io/name=memory-hog' })).items.length).toBeGreaterThan(0);
    await core.listNamespacedEvent({ namespace: ns });
    await events.listNamespacedEvent({ namespace: ns });
    expect((await core.readNode({ name: node })).metadata?.name).toBe(node);
    await core.listNode();
    expect((await core.readNamespace({ name: ns })).metadata?.name).toBe(ns);
    await core.listNamespace();
    expect((await apps.readNamespacedDeployment({ name: 'web', namespace: ns })).metadata?.name).toBe('web');
    for (const list of [
      () => apps.listNamespacedReplicaSet({ namespace: ns }), () => apps.listNamespacedStatefulSet({ namespace: ns }),
      () => apps.listNamespacedDaemonSet({ namespace: ns }), () => batch.listNamespacedJob({ namespace: ns }),
      () => batch.listNamespacedCronJob({ namespace: ns }), () => apps.listDeploymentForAllNamespaces(),
    ]) {
      expect(await statusOf(list)).toBe(200);
    }
  });

  it('create, update, patch and delete on pods and deployments are refused with 403', async () => {
    const core = sa.makeApiClient(CoreV1Api);
    const apps = sa.makeApiClient(AppsV1Api);
    const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
    const pod = await cluster.core.readNamespacedPod({ name: 'memory-hog', namespace: ns });
    const deploy = await cluster.apps.readNamespacedDeployment({ name: 'web', namespace: ns });
    const bigger = { spec: { template: { spec: { containers: [{ name: 'app', resources: { limits: { memory: '256Mi' } } }] } } } };
    const attempts: [string, () => Promise<unknown>][] = [
      ['create pod', () => core.createNamespacedPod({ namespace: ns, body: { metadata: { name: 'intruder' }, spec: pod.spec! } })],
      ['update pod', () => core.replaceNamespacedPod({ name: 'memory-hog', namespace: ns, body: pod })],
      ['patch pod', () => core.patchNamespacedPod({ name: 'memory-hog', namespace: ns, body: { metadata: { labels: { touched: 'yes' } } } }, merge)],
      ['delete pod', () => core.deleteNamespacedPod({ name: 'memory-hog', namespace: ns, gracePeriodSeconds: 0 })],
      ['create deployment', () => apps.createNamespacedDeployment({ namespace: ns, body: { ...deploy, metadata: { name: 'web-2' } } })],
      ['update deployment', () => apps.replaceNamespacedDeployment({ name: 'web', namespace: ns, body: deploy })],
      ['patch deployment', () => apps.patchNamespacedDeployment({ name: 'web', namespace: ns, body: bigger }, merge)],
      ['delete deployment', () => apps.deleteNamespacedDeployment({ name: 'web', namespace: ns })],
    ];
    for (const [what, attempt] of attempts) expect(await statusOf(attempt), what).toBe(403);
    // Nothing changed.
    const after = await cluster.apps.readNamespacedDeployment({ name: 'web', namespace: ns });
    expect(after.metadata?.generation).toBe(deploy.metadata?.generation);
    expect((await cluster.core.readNamespacedPod({ name: 'memory-hog', namespace: ns })).metadata?.labels?.touched).toBeUndefined();
  });
});
