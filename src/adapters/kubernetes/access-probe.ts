// `doctor`'s questions to the API server with the agent's own credentials: the server version,
// who it takes us for (SelfSubjectReview), what we may do (SelfSubjectAccessReview), whether a
// namespace exists, and whether metrics.k8s.io is served. Reviews are answered, never stored:
// nothing here changes the cluster. Plain JSON through client-node's transport, as the other
// Kubernetes adapters read the API.
import { isAppError } from '../../core/errors.ts';
import type { KubeProbe } from '../../usecases/doctor/probes.ts';
import { toK8sError } from './k8s-error.ts';
import { createKubeJson } from './kube-json.ts';
import { createMetricsReader } from './metrics-reader.ts';
import { ApiException, HttpMethod, IsomorphicFetchHttpLibrary, RequestContext, type KubeConfig } from './client-node.ts';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function createKubeProbe(kc: KubeConfig, opts: { timeoutMs?: number } = {}): KubeProbe {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const kube = createKubeJson(kc, { timeoutMs });
  const metrics = createMetricsReader(kc, { timeoutMs });
  const http = new IsomorphicFetchHttpLibrary();

  /** POSTs a review object and returns the API server's answer (its `status`). */
  async function review(path: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new Error('No active cluster!');
    const ctx = new RequestContext(cluster.server + path, HttpMethod.POST);
    ctx.setHeaderParam('Accept', 'application/json');
    ctx.setHeaderParam('Content-Type', 'application/json');
    ctx.setHeaderParam('User-Agent', 'kube-ai-sre-doctor');
    ctx.setBody(JSON.stringify(body));
    await kc.applySecurityAuthentication(ctx);
    ctx.setSignal(AbortSignal.timeout(timeoutMs));
    const res = await http.send(ctx).toPromise();
    const text = await res.body.text();
    if (res.httpStatusCode < 200 || res.httpStatusCode > 299) {
      throw new ApiException(res.httpStatusCode, res.httpStatusCode === 401 ? 'Unauthorized' : `HTTP ${res.httpStatusCode}`, text, res.headers);
    }
    const json = JSON.parse(text) as unknown;
    return isRecord(json) && isRecord(json.status) ? json.status : {};
  }

  return {
    server: kc.getCurrentCluster()?.server ?? '',
    context: kc.getCurrentContext(),
    async version() {
      try {
        const v = await kube.getJson('/version');
        return isRecord(v) && typeof v.gitVersion === 'string' ? v.gitVersion : 'unknown';
      } catch (err) {
        throw toK8sError(err, { verb: 'get', resource: 'version' });
      }
    },
    async whoAmI() {
      try {
        const status = await review('/apis/authentication.k8s.io/v1/selfsubjectreviews', { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' });
        const user = isRecord(status.userInfo) ? status.userInfo.username : undefined;
        return typeof user === 'string' ? user : undefined;
      } catch (err) {
        const e = toK8sError(err, { verb: 'create', resource: 'selfsubjectreviews' });
        if (isAppError(e, 'k8s_not_found') || isAppError(e, 'k8s_forbidden')) return undefined;
        throw e;
      }
    },
    async can(q) {
      try {
        const status = await review('/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SelfSubjectAccessReview',
          spec: { resourceAttributes: { verb: q.verb, group: q.group, resource: q.resource, subresource: q.subresource, namespace: q.namespace } },
        });
        return status.allowed === true;
      } catch (err) {
        throw toK8sError(err, { verb: 'create', resource: 'selfsubjectaccessreviews' });
      }
    },
    async namespaceExists(name) {
      try {
        await kube.getJson(`/api/v1/namespaces/${encodeURIComponent(name)}`);
        return true;
      } catch (err) {
        const e = toK8sError(err, { verb: 'get', resource: 'namespace', name });
        if (isAppError(e, 'k8s_not_found')) return false;
        throw e;
      }
    },
    metricsAvailable: () => metrics.available(),
  };
}
