// `doctor`'s questions to the API server with the agent's own credentials: the server version,
// who it takes us for (SelfSubjectReview), what we may do (SelfSubjectAccessReview), whether a
// namespace exists, and whether metrics.k8s.io is served. Reviews are answered, never stored:
// nothing here changes the cluster.
import { AuthenticationV1Api, AuthorizationV1Api, CoreV1Api, VersionApi, type KubeConfig } from '@kubernetes/client-node';
import { isAppError } from '../../core/errors.ts';
import type { KubeProbe } from '../../usecases/doctor/probes.ts';
import { toK8sError } from './k8s-error.ts';
import { createMetricsReader } from './metrics-reader.ts';
import { requestTimeout } from './request-timeout.ts';

export function createKubeProbe(kc: KubeConfig, opts: { timeoutMs?: number } = {}): KubeProbe {
  const timeout = requestTimeout(opts.timeoutMs ?? 10_000);
  const core = kc.makeApiClient(CoreV1Api);
  const authn = kc.makeApiClient(AuthenticationV1Api);
  const authz = kc.makeApiClient(AuthorizationV1Api);
  const versions = kc.makeApiClient(VersionApi);
  const metrics = createMetricsReader(kc, opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {});
  return {
    server: kc.getCurrentCluster()?.server ?? '',
    context: kc.getCurrentContext(),
    async version() {
      try {
        return (await versions.getCode(timeout)).gitVersion;
      } catch (err) {
        throw toK8sError(err, { verb: 'get', resource: 'version' });
      }
    },
    async whoAmI() {
      try {
        const review = await authn.createSelfSubjectReview({ body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' } }, timeout);
        return review.status?.userInfo?.username;
      } catch (err) {
        const e = toK8sError(err, { verb: 'create', resource: 'selfsubjectreviews' });
        if (isAppError(e, 'k8s_not_found') || isAppError(e, 'k8s_forbidden')) return undefined;
        throw e;
      }
    },
    async can(q) {
      try {
        const review = await authz.createSelfSubjectAccessReview({
          body: { spec: { resourceAttributes: { verb: q.verb, group: q.group, resource: q.resource, subresource: q.subresource, namespace: q.namespace } } },
        }, timeout);
        return review.status?.allowed === true;
      } catch (err) {
        throw toK8sError(err, { verb: 'create', resource: 'selfsubjectaccessreviews' });
      }
    },
    async namespaceExists(name) {
      try {
        await core.readNamespace({ name }, timeout);
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
