// Serves a fake metrics-server through the REAL test API server's aggregation layer, the way a
// cluster serves metrics-server: an APIService v1beta1.metrics.k8s.io pointing at a Service. The
// test API server runs no kube-proxy and has no pod network, so the Service is an ExternalName
// one: the aggregator resolves an ExternalName service to https://<externalName>:<port> by
// itself (no --enable-aggregator-routing needed) and reaches the fake on loopback.
//
// The APIService is cluster-wide and there is only one v1beta1.metrics.k8s.io, so one test file
// registers it at a time; unregister() removes it.
import { ApiregistrationV1Api, CoreV1Api, type KubeConfig, type V1APIService } from '@kubernetes/client-node';
import type { FakeMetricsApi } from './fake-metrics-api.ts';
import { waitUntil } from './test-cluster/wait-until.ts';

export const METRICS_API_SERVICE = 'v1beta1.metrics.k8s.io';

export interface RegisteredMetricsApi {
  /** The ExternalName Service's namespace and name. */
  namespace: string;
  service: string;
  unregister(): Promise<void>;
}

function availableCondition(svc: V1APIService): { status: string; reason?: string; message?: string } | undefined {
  return svc.status?.conditions?.find((c) => c.type === 'Available');
}

/** Registers `fake` as metrics.k8s.io and waits until the aggregator reports it Available. */
export async function registerMetricsApi(kc: KubeConfig, fake: FakeMetricsApi, namespace: string): Promise<RegisteredMetricsApi> {
  const core = kc.makeApiClient(CoreV1Api);
  const registration = kc.makeApiClient(ApiregistrationV1Api);
  const service = 'metrics-server';
  await core.createNamespacedService({
    namespace,
    body: {
      metadata: { name: service, labels: { 'k8s-app': 'metrics-server' } },
      spec: { type: 'ExternalName', externalName: 'localhost', ports: [{ name: 'https', port: fake.port, protocol: 'TCP' }] },
    },
  });
  await registration.createAPIService({
    body: {
      metadata: { name: METRICS_API_SERVICE, labels: { 'k8s-app': 'metrics-server' } },
      spec: {
        group: 'metrics.k8s.io',
        version: 'v1beta1',
        groupPriorityMinimum: 100,
        versionPriority: 100,
        insecureSkipTLSVerify: true,
        service: { namespace, name: service, port: fake.port },
      },
    },
  });
  const unregister = async (): Promise<void> => {
    await registration.deleteAPIService({ name: METRICS_API_SERVICE }).catch(() => undefined);
    await core.deleteNamespacedService({ namespace, name: service }).catch(() => undefined);
  };
  try {
    await waitUntil(`APIService ${METRICS_API_SERVICE} Available`, async () => {
      const cond = availableCondition(await registration.readAPIService({ name: METRICS_API_SERVICE }));
      return cond?.status === 'True' ? true : `Available=${cond?.status ?? 'unknown'} ${cond?.reason ?? ''}: ${cond?.message ?? ''}`;
    }, { timeoutMs: 60_000, intervalMs: 250 });
  } catch (err) {
    await unregister();
    throw err;
  }
  return { namespace, service, unregister };
}
