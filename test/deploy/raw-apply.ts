// Server-side apply of an object exactly as rendered: the JSON goes to the API server untouched, with
// strict field validation, so a misspelt or unknown field is an error there. (client-node's typed
// serializer would silently drop unknown fields of built-in kinds, and the x-kubernetes-* keys of a
// CRD's schema, before the server ever saw them.)
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import type { AvailableClusterInfo } from '../support/cluster-context.ts';

/** Where each kind the chart renders (and the CRDs) lives in the API. */
const RESOURCES: Record<string, { prefix: string; plural: string; namespaced: boolean }> = {
  ServiceAccount: { prefix: '/api/v1', plural: 'serviceaccounts', namespaced: true },
  ConfigMap: { prefix: '/api/v1', plural: 'configmaps', namespaced: true },
  Secret: { prefix: '/api/v1', plural: 'secrets', namespaced: true },
  Service: { prefix: '/api/v1', plural: 'services', namespaced: true },
  PersistentVolumeClaim: { prefix: '/api/v1', plural: 'persistentvolumeclaims', namespaced: true },
  Deployment: { prefix: '/apis/apps/v1', plural: 'deployments', namespaced: true },
  NetworkPolicy: { prefix: '/apis/networking.k8s.io/v1', plural: 'networkpolicies', namespaced: true },
  ClusterRole: { prefix: '/apis/rbac.authorization.k8s.io/v1', plural: 'clusterroles', namespaced: false },
  ClusterRoleBinding: { prefix: '/apis/rbac.authorization.k8s.io/v1', plural: 'clusterrolebindings', namespaced: false },
  ServiceMonitor: { prefix: '/apis/monitoring.coreos.com/v1', plural: 'servicemonitors', namespaced: true },
  PrometheusRule: { prefix: '/apis/monitoring.coreos.com/v1', plural: 'prometheusrules', namespaced: true },
  CustomResourceDefinition: { prefix: '/apis/apiextensions.k8s.io/v1', plural: 'customresourcedefinitions', namespaced: false },
};

export interface ApplyResult {
  /** 200 (applied to an existing object) or 201 (created), else the API server's error code. */
  status: number;
  ok: boolean;
  body: string;
}

interface Applicable {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
}

/** PATCH (apply) one object; dryRun asks the server to validate, default and admit it without storing it. */
export function serverSideApply(info: AvailableClusterInfo, obj: Applicable, opts: { dryRun: boolean }): Promise<ApplyResult> {
  const where = RESOURCES[obj.kind];
  if (!where) throw new Error(`raw-apply.ts does not know where ${obj.kind} lives; add it to RESOURCES`);
  if (where.namespaced && !obj.metadata.namespace) throw new Error(`${obj.kind}/${obj.metadata.name} has no namespace`);
  const path = `${where.prefix}${where.namespaced ? `/namespaces/${obj.metadata.namespace}` : ''}/${where.plural}/${obj.metadata.name}`;
  const query = new URLSearchParams({ fieldManager: 'kube-ai-sre-tests', force: 'true', fieldValidation: 'Strict' });
  if (opts.dryRun) query.set('dryRun', 'All');
  const body = JSON.stringify(obj);
  return new Promise((resolve, reject) => {
    const req = request(`${info.server}${path}?${query}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/apply-patch+yaml', 'content-length': Buffer.byteLength(body), accept: 'application/json' },
      ca: readFileSync(info.caFile),
      cert: readFileSync(info.adminCertFile),
      key: readFileSync(info.adminKeyFile),
      timeout: 30_000,
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ok: res.statusCode === 200 || res.statusCode === 201, body: text }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`apply ${obj.kind}/${obj.metadata.name} timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}
