// doctor's Kubernetes checks against the real test API server (RBAC on): a ServiceAccount bound
// to the read-only ClusterRole of manifests/agent/rbac.yaml passes; one missing a verb, and one
// that may also write, fail with what is wrong and how to fix it; an API server that is down, a
// missing namespace and a missing kubeconfig each get their own line and exit code. Every request
// doctor sends is a GET or an access review: it changes nothing.
import { randomBytes } from 'node:crypto';
import type { V1PolicyRule } from '@kubernetes/client-node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { writePolicy } from '../../support/agent-harness.ts';
import { describeWithCluster, useTestCluster } from '../../support/cluster-context.ts';
import { startFakeOllama, type FakeOllama } from '../../support/fake-ollama.ts';
import { DEFAULT_USER, startFakeSlack, type FakeSlack } from '../../support/fake-slack/index.ts';
import { loadManifest } from '../../support/test-cluster/manifests.ts';
import { startApiProxy, type ApiProxy } from '../../support/watch-helpers.ts';
import { doctor, doctorEnv, kubeconfigFile, unreachableKubeconfig } from './doctor-run.ts';

describeWithCluster('doctor: Kubernetes', () => {
  const cluster = useTestCluster();
  const id = randomBytes(3).toString('hex');
  let ns: string;
  let slack: FakeSlack;
  let ollama: FakeOllama;
  let proxy: ApiProxy;
  let env: (kubeconfig: string, extra?: Record<string, string | undefined>) => Record<string, string | undefined>;
  const kubeconfigs: Record<string, string> = {};
  const clusterObjects: Array<{ kind: 'ClusterRole' | 'ClusterRoleBinding'; name: string }> = [];

  /** A ServiceAccount in `ns` bound cluster-wide to a ClusterRole with these rules. */
  async function serviceAccount(name: string, rules: V1PolicyRule[]): Promise<string> {
    await cluster.core.createNamespacedServiceAccount({ namespace: ns, body: { metadata: { name } } });
    const role = `doctor-${name}-${id}`;
    await cluster.rbac.createClusterRole({ body: { metadata: { name: role }, rules } });
    await cluster.rbac.createClusterRoleBinding({ body: {
      metadata: { name: role },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
      subjects: [{ kind: 'ServiceAccount', name, namespace: ns }],
    } });
    clusterObjects.push({ kind: 'ClusterRole', name: role }, { kind: 'ClusterRoleBinding', name: role });
    return kubeconfigFile(await cluster.serviceAccountKubeConfig(ns, name));
  }

  beforeAll(async () => {
    ns = await cluster.createNamespace('doctor');
    // The agent's read-only rules, exactly as manifests/agent/rbac.yaml has them.
    const agentRole = (await loadManifest('agent/rbac.yaml')).find((o) => o.kind === 'ClusterRole') as unknown as { rules: V1PolicyRule[] };
    const readRules = agentRole.rules;
    kubeconfigs.agent = await serviceAccount('agent', readRules);
    // The same without "watch" on pods.
    kubeconfigs.noWatch = await serviceAccount('no-watch', readRules.map((r) => (r.resources?.includes('pods') && (r.apiGroups ?? []).includes('')
      ? { ...r, verbs: r.verbs.filter((v) => v !== 'watch') } : r)));
    // The read-only rules plus a Role in the namespace that may patch Deployments and read Secrets.
    kubeconfigs.tooMuch = await serviceAccount('too-much', readRules);
    await cluster.rbac.createNamespacedRole({ namespace: ns, body: { metadata: { name: 'extra' }, rules: [
      { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'patch'] },
      { apiGroups: [''], resources: ['secrets'], verbs: ['get'] },
    ] } });
    await cluster.rbac.createNamespacedRoleBinding({ namespace: ns, body: {
      metadata: { name: 'extra' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'extra' },
      subjects: [{ kind: 'ServiceAccount', name: 'too-much', namespace: ns }],
    } });
    kubeconfigs.admin = cluster.info.kubeconfigPath;
    slack = await startFakeSlack();
    ollama = await startFakeOllama();
    const policyDir = await writePolicy([DEFAULT_USER.id]);
    env = (kubeconfig, extra = {}) => doctorEnv({ slack, ollama, kubeconfig, policyDir, namespaces: ns, extra: { FORECAST_HORIZON_MINUTES: '0', ...extra } });
    proxy = await startApiProxy({
      upstream: cluster.info.server, caFile: cluster.info.caFile,
      clientCertFile: cluster.info.adminCertFile, clientKeyFile: cluster.info.adminKeyFile,
      servingCertFile: cluster.info.servingCertFile, servingKeyFile: cluster.info.servingKeyFile,
    });
  });

  afterAll(async () => {
    await proxy?.close();
    await slack?.close();
    await ollama?.close();
    for (const o of clusterObjects) {
      if (o.kind === 'ClusterRole') await cluster.rbac.deleteClusterRole({ name: o.name }).catch(() => undefined);
      else await cluster.rbac.deleteClusterRoleBinding({ name: o.name }).catch(() => undefined);
    }
  });

  it('passes the agent\'s ServiceAccount bound to manifests/agent/rbac.yaml (exit 0 with the rest in order)', async () => {
    const r = await doctor(env(kubeconfigs.agent!));
    expect(r.check('kubernetes.config')).toMatchObject({ status: 'ok', detail: `context test → ${cluster.info.server}` });
    expect(r.check('kubernetes.reachable')).toMatchObject({ status: 'ok', detail: expect.stringMatching(new RegExp(`^v1\\.\\d+\\.\\d+ at ${cluster.info.server}, as system:serviceaccount:${ns}:agent$`)) });
    expect(r.check('kubernetes.namespaces')).toMatchObject({ status: 'ok', detail: `${ns} exists` });
    expect(r.check('kubernetes.rbac.reads')).toMatchObject({ status: 'ok', detail: `all 12 reads allowed in ${ns}: pods, pods/log, events, events.events.k8s.io, nodes, namespaces, replicasets.apps, jobs.batch` });
    expect(r.check('kubernetes.rbac.writes')).toMatchObject({ status: 'ok', detail: expect.stringMatching(/^none of \d+ writes, exec or secret reads is allowed$/) });
    expect(r.checks.filter((c) => c.status === 'fail')).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.ok).toBe(true);
  });

  it('asks cluster-wide when SCAN_NAMESPACES is empty, listing namespaces included', async () => {
    const r = await doctor(env(kubeconfigs.agent!, { SCAN_NAMESPACES: undefined }));
    expect(r.check('kubernetes.namespaces')).toMatchObject({ status: 'ok', detail: expect.stringContaining('SCAN_NAMESPACES is empty') });
    expect(r.check('kubernetes.rbac.reads')).toMatchObject({ status: 'ok', detail: expect.stringMatching(/^all 13 reads allowed in every namespace/) });
  });

  it('names the verb a ServiceAccount is missing, and where to get it (exit 4)', async () => {
    const r = await doctor(env(kubeconfigs.noWatch!));
    expect(r.check('kubernetes.rbac.reads')).toMatchObject({
      status: 'fail',
      detail: `1 of 12 denied: watch pods in ${ns} (pod watch (WATCH_ENABLED))`,
      fix: `bind system:serviceaccount:${ns}:no-watch to the read-only ClusterRole in manifests/agent/rbac.yaml (kubectl apply -f manifests/agent/rbac.yaml), or grant these verbs`,
    });
    expect(r.code).toBe(4);
    // Without the pod watch, watch is not needed.
    const noWatchNeeded = await doctor(env(kubeconfigs.noWatch!, { WATCH_ENABLED: 'false' }));
    expect(noWatchNeeded.check('kubernetes.rbac.reads').status).toBe('ok');
    // Without the event watch, neither events.k8s.io nor single pod reads are asked about.
    const noEventWatch = await doctor(env(kubeconfigs.agent!, { EVENT_WATCH_ENABLED: 'false' }));
    expect(noEventWatch.check('kubernetes.rbac.reads')).toMatchObject({ status: 'ok', detail: `all 9 reads allowed in ${ns}: pods, pods/log, events, nodes, namespaces, replicasets.apps, jobs.batch` });
  });

  it('fails a ServiceAccount that may write, naming every such access (exit 4)', async () => {
    const r = await doctor(env(kubeconfigs.tooMuch!));
    expect(r.check('kubernetes.rbac.reads').status).toBe('ok');
    expect(r.check('kubernetes.rbac.writes')).toMatchObject({
      status: 'fail',
      detail: expect.stringMatching(new RegExp(`^2 of \\d+ must be denied but are allowed: patch deployments\\.apps in ${ns}, get secrets in ${ns}$`)),
      fix: expect.stringContaining(`bind system:serviceaccount:${ns}:too-much only to the read-only ClusterRole`),
    });
    expect(r.code).toBe(4);
  });

  it('warns, without failing, when a person\'s own admin credentials could write (a laptop try-out)', async () => {
    const r = await doctor(env(kubeconfigs.admin!));
    const writes = r.check('kubernetes.rbac.writes');
    expect(writes.status).toBe('warn');
    expect(writes.detail).toMatch(/must be denied but are allowed: create pods in .* and \d+ more \(these are test-admin's own credentials\)$/);
    expect(writes.fix).toContain('read-only ServiceAccount of manifests/agent/rbac.yaml');
    expect(r.code).toBe(0);
  });

  it('names a namespace in SCAN_NAMESPACES that does not exist (exit 3)', async () => {
    const r = await doctor(env(kubeconfigs.agent!, { SCAN_NAMESPACES: `${ns},no-such-namespace-${id}` }));
    expect(r.check('kubernetes.namespaces')).toMatchObject({ status: 'fail', detail: `not found: no-such-namespace-${id}`, fix: expect.stringContaining('SCAN_NAMESPACES') });
    expect(r.code).toBe(3);
  });

  it('names an API server that is down, and skips what needs it (exit 5)', async () => {
    const r = await doctor(env(await unreachableKubeconfig()));
    expect(r.check('kubernetes.reachable')).toMatchObject({ status: 'fail', detail: expect.stringMatching(/unreachable.*ECONNREFUSED/), fix: expect.stringContaining('start the cluster') });
    expect(['kubernetes.namespaces', 'kubernetes.rbac.reads', 'kubernetes.rbac.writes'].map((c) => r.check(c).status)).toEqual(['skip', 'skip', 'skip']);
    expect(r.code).toBe(5);
  });

  it('names a missing kubeconfig (exit 8)', async () => {
    const r = await doctor(env('/nonexistent/kubeconfig'));
    expect(r.check('kubernetes.config')).toMatchObject({ status: 'fail', detail: expect.stringContaining('cannot load kubeconfig "/nonexistent/kubeconfig"') });
    expect(r.code).toBe(8);
  });

  it('sends only GETs and access reviews to the API server', async () => {
    const before = proxy.requests.length;
    const r = await doctor(env(await kubeconfigFile(proxy.kubeConfig), { FORECAST_HORIZON_MINUTES: '60' }));
    expect(r.check('kubernetes.reachable').status).toBe('ok');
    const sent = proxy.requests.slice(before);
    expect(sent.length).toBeGreaterThan(20);
    const notRead = sent.filter((q) => q.method !== 'GET' && !/^\/apis\/(authorization|authentication)\.k8s\.io\/v1\/self(subjectaccess)?(subject)?reviews/.test(q.path));
    expect(notRead).toEqual([]);
    expect(sent.filter((q) => q.method === 'POST').map((q) => q.path.split('?')[0]).every((p) => /selfsubject(access)?reviews$/.test(p!))).toBe(true);
  });
});
