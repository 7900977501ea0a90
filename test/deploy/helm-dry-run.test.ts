// The chart against the real test API server, with the prometheus-operator CRDs installed the way a
// cluster running kube-prometheus-stack has them: every object of every documented combination passes
// a server-side dry run (schema, defaulting, admission, CRD validation); `helm install
// --dry-run=server` accepts the documented minimal values; a real `helm install` creates objects whose
// ServiceAccount may only read; `helm uninstall` removes them and keeps the Redis volume.
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ApiextensionsV1Api, ApiException, AuthorizationV1Api, KubernetesObjectApi } from '@kubernetes/client-node';
import { beforeAll, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { describeWithCluster, useTestCluster } from '../support/cluster-context.ts';
import { eventually } from '../support/eventually.ts';
import { uniqueName } from '../support/test-cluster/namespaces.ts';
import { CHART_DIR, CI_VALUES, helm, idOf, renderChart } from './chart.ts';
import { serverSideApply } from './raw-apply.ts';
import { REPO_ROOT, findHelm, findPrometheusOperatorCrds, type K8sObject } from './repo-files.ts';
import { describeWithTools } from './tool-suites.ts';

const COMBINATIONS = ['(defaults)', ...CI_VALUES];
const MINIMAL = 'charts/kube-ai-sre-agent/ci/minimal-values.yaml';
/** The CRDs the chart can render objects of. */
const CRDS = ['monitoring.coreos.com_servicemonitors.yaml', 'monitoring.coreos.com_prometheusrules.yaml'];

async function statusOf(call: () => Promise<unknown>): Promise<number> {
  try {
    await call();
    return 200;
  } catch (err) {
    if (err instanceof ApiException) return err.code;
    throw err;
  }
}

describeWithCluster('Helm chart against the real API server', () => {
  const cluster = useTestCluster();
  const crds = findPrometheusOperatorCrds();

  describeWithTools('server-side dry run and install', [findHelm(), crds], () => {
    let client: KubernetesObjectApi;
    let ns: string;
    const kubeconfig = () => ({ KUBECONFIG: cluster.info.kubeconfigPath });
    const dryRun = (obj: K8sObject) => serverSideApply(cluster.info, obj, { dryRun: true });

    beforeAll(async () => {
      client = KubernetesObjectApi.makeApiClient(cluster.kc);
      const files = (await readdir(crds.path)).filter((f) => CRDS.includes(f));
      expect(files.sort()).toEqual([...CRDS].sort());
      // Installed for real (as the operator's chart would), then waited for until they serve.
      for (const file of files) {
        const [crd] = parseAllDocuments(await readFile(join(crds.path, file), 'utf8')).map((d) => d.toJS() as K8sObject);
        const applied = await serverSideApply(cluster.info, crd!, { dryRun: false });
        expect(applied.ok, applied.body.slice(0, 500)).toBe(true);
      }
      const ext = cluster.kc.makeApiClient(ApiextensionsV1Api);
      await eventually('the CRDs are established', async () => {
        for (const file of files) {
          const name = file.replace(/^monitoring\.coreos\.com_(.*)\.yaml$/, '$1.monitoring.coreos.com');
          const crd = await ext.readCustomResourceDefinition({ name });
          if (!crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) return false;
        }
        return true;
      });
      ns = await cluster.createNamespace('helm');
    });

    it.each(COMBINATIONS)('%s: every rendered object passes a server-side dry run', async (combination) => {
      const objects = await renderChart({ values: combination === '(defaults)' ? [] : [combination], namespace: ns, release: 'kube-ai-sre-agent' });
      expect(objects.length).toBeGreaterThan(5);
      for (const obj of objects) {
        const result = await dryRun(obj);
        expect(result.ok, `${idOf(obj)}: ${result.body.slice(0, 1000)}`).toBe(true);
        const accepted = JSON.parse(result.body) as K8sObject;
        expect(idOf(accepted)).toBe(idOf(obj));
      }
    });

    it('the dry run can fail: CRD schemas, unknown fields and invalid values are refused', async () => {
      const objects = await renderChart({ values: ['charts/kube-ai-sre-agent/ci/monitoring-values.yaml'], namespace: ns });
      const sm = structuredClone(objects.find((o) => o.kind === 'ServiceMonitor')!) as K8sObject & { spec: { endpoints: Array<Record<string, unknown>> } };
      sm.spec.endpoints[0]!.scheme = 'gopher';
      expect((await dryRun(sm)).body).toContain('spec.endpoints[0].scheme');
      const rule = structuredClone(objects.find((o) => o.kind === 'PrometheusRule')!) as K8sObject & { spec: { groups: Array<{ rules: Array<Record<string, unknown>> }> } };
      rule.spec.groups[0]!.rules[0]!.for = 'five minutes';
      expect((await dryRun(rule)).status).toBe(422);
      const deployment = structuredClone(objects.find((o) => o.kind === 'Deployment')!) as K8sObject & { spec: { template: { spec: Record<string, unknown> } } };
      deployment.spec.template.spec.securityContex = { runAsUser: 0 };
      const misspelt = await dryRun(deployment);
      expect(misspelt.status).toBeGreaterThanOrEqual(400);
      expect(misspelt.body).toContain('securityContex');
      const negative = structuredClone(objects.find((o) => o.kind === 'Deployment')!) as K8sObject & { spec: { replicas: number } };
      negative.spec.replicas = -1;
      expect((await dryRun(negative)).status).toBe(422);
    });

    it('helm install --dry-run=server accepts the documented minimal values and prints the next steps', async () => {
      const result = await helm(['install', uniqueName('sre'), CHART_DIR, '--namespace', ns, '--values', join(REPO_ROOT, MINIMAL), '--dry-run=server'], kubeconfig());
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('STATUS: pending-install');
      expect(result.stdout).toMatch(/NOTES:[\s\S]*\/invite @kube-ai-sre[\s\S]*\/sre scan demo/);
    });

    it('helm install --dry-run=server refuses autoRemediation: true, naming the value', async () => {
      const result = await helm(['install', uniqueName('sre'), CHART_DIR, '--namespace', ns, '--values', join(REPO_ROOT, MINIMAL),
        '--set', 'policies.default.autoRemediation=true', '--dry-run=server'], kubeconfig());
      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(/at '\/policies\/default\/autoRemediation': value must be false/);
    });

    it('helm install creates a read-only agent; helm uninstall removes it and keeps the Redis volume', async () => {
      const release = uniqueName('sre');
      const installNs = await cluster.createNamespace('helm-install');
      const install = await helm(['install', release, CHART_DIR, '--namespace', installNs, '--values', join(REPO_ROOT, MINIMAL),
        '--set', 'serviceMonitor.enabled=true,prometheusRule.enabled=true,grafanaDashboard.enabled=true'], kubeconfig());
      expect(install.stderr).toBe('');
      expect(install.code).toBe(0);
      const agent = `${release}-kube-ai-sre-agent`;
      const status = await helm(['status', release, '--namespace', installNs, '-o', 'json'], kubeconfig());
      expect(JSON.parse(status.stdout)).toMatchObject({ info: { status: 'deployed' } });

      // The objects exist, the monitoring ones included.
      for (const [apiVersion, kind, name] of [
        ['apps/v1', 'Deployment', agent], ['v1', 'Secret', agent], ['v1', 'ConfigMap', `${release}-kube-ai-sre-policies`],
        ['monitoring.coreos.com/v1', 'ServiceMonitor', agent], ['monitoring.coreos.com/v1', 'PrometheusRule', agent],
        ['v1', 'ConfigMap', `${agent}-dashboard`], ['v1', 'PersistentVolumeClaim', `${release}-kube-ai-sre-redis`],
      ] as const) {
        const read = await client.read({ apiVersion, kind, metadata: { name, namespace: installNs } });
        expect(read.metadata?.name).toBe(name);
      }

      // What the installed ServiceAccount may do, asked of the API server's authorizer.
      const authz = cluster.kc.makeApiClient(AuthorizationV1Api);
      const can = async (verb: string, resource: string, group = '', namespace = 'default'): Promise<boolean> => {
        const [res, sub] = resource.split('/');
        const review = await authz.createSubjectAccessReview({ body: { spec: {
          user: `system:serviceaccount:${installNs}:${agent}`,
          groups: ['system:serviceaccounts', `system:serviceaccounts:${installNs}`, 'system:authenticated'],
          resourceAttributes: { verb, group, resource: res, subresource: sub, namespace },
        } } });
        return review.status?.allowed === true;
      };
      for (const [verb, resource, group] of [['list', 'pods', ''], ['watch', 'pods', ''], ['get', 'pods/log', ''], ['list', 'events', 'events.k8s.io'], ['get', 'replicasets', 'apps'], ['list', 'pods', 'metrics.k8s.io']] as const) {
        expect(await can(verb, resource, group), `${verb} ${resource}`).toBe(true);
      }
      for (const [verb, resource, group] of [['delete', 'pods', ''], ['patch', 'deployments', 'apps'], ['create', 'pods/exec', ''], ['get', 'secrets', ''], ['list', 'configmaps', ''], ['update', 'deployments/scale', 'apps']] as const) {
        expect(await can(verb, resource, group), `${verb} ${resource}`).toBe(false);
      }

      const uninstall = await helm(['uninstall', release, '--namespace', installNs, '--wait=false'], kubeconfig());
      expect(uninstall.code).toBe(0);
      expect(uninstall.stdout).toMatch(/These resources were kept due to the resource policy:[\s\S]*PersistentVolumeClaim/);
      expect(await statusOf(() => client.read({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: agent, namespace: installNs } }))).toBe(404);
      expect(await statusOf(() => client.read({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: `${agent}-read` } }))).toBe(404);
      expect(await statusOf(() => client.read({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: `${release}-kube-ai-sre-redis`, namespace: installNs } }))).toBe(200);
    });
  });
});
