// The metrics reader against the fake metrics-server directly (a kubeconfig pointing at it).
// The same reader through the real API server's aggregation layer is exercised in
// test/usecases/forecast-namespace.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeConfig } from '@kubernetes/client-node';
import { createMetricsReader } from '../../../src/adapters/kubernetes/metrics-reader.ts';
import { isAppError } from '../../../src/core/errors.ts';
import { kiQuantity, startFakeMetricsApi, type FakeMetricsApi } from '../../support/fake-metrics-api.ts';

function kubeConfigFor(server: string, caPem: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'fake', server, caData: Buffer.from(caPem).toString('base64') }],
    users: [{ name: 'reader', token: 'not-checked' }],
    contexts: [{ name: 'fake', cluster: 'fake', user: 'reader' }],
    currentContext: 'fake',
  });
  return kc;
}

let fake: FakeMetricsApi;
let kc: KubeConfig;

beforeAll(async () => {
  fake = await startFakeMetricsApi();
  kc = kubeConfigFor(fake.url, fake.certPem);
});

afterAll(async () => {
  await fake.close();
});

describe('metrics reader', () => {
  it('reads every container working set of a namespace, at the metrics timestamp', async () => {
    fake.setMode('serving');
    fake.setPod('shop', 'session-cache-7c9f5d8b6-q4w2z', { timestamp: '2024-05-14T10:05:00Z', memory: { cache: '48232Ki', exporter: '12Mi' } });
    fake.setPod('shop', 'web-0', { timestamp: '2024-05-14T10:05:03Z', memory: { app: kiQuantity(100 * 1024 * 1024) } });
    fake.setPod('other', 'web-0', { timestamp: '2024-05-14T10:05:03Z', memory: { app: '1Gi' } });
    const reader = createMetricsReader(kc);
    expect(await reader.available()).toBe(true);
    const usage = await reader.podMetrics('shop');
    expect(usage).toEqual([
      { pod: 'session-cache-7c9f5d8b6-q4w2z', container: 'cache', bytes: 48232 * 1024, at: '2024-05-14T10:05:00Z' },
      { pod: 'session-cache-7c9f5d8b6-q4w2z', container: 'exporter', bytes: 12 * 1024 * 1024, at: '2024-05-14T10:05:00Z' },
      { pod: 'web-0', container: 'app', bytes: 100 * 1024 * 1024, at: '2024-05-14T10:05:03Z' },
    ]);
    expect(fake.requests.at(-1)?.path).toBe('/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods');
    expect(await reader.podMetrics('empty')).toEqual([]);
  });

  it.each([
    { mode: 'not-found' as const, what: 'no APIService (404)' },
    { mode: 'unavailable' as const, what: 'APIService without a working backend (503)' },
  ])('reports $what as unavailable, not as an error', async ({ mode }) => {
    fake.setMode(mode);
    expect(await createMetricsReader(kc).available()).toBe(false);
    fake.setMode('serving');
  });

  it('throws k8s_* errors for a pod metrics list that fails', async () => {
    fake.setMode('unavailable');
    const err = await createMetricsReader(kc).podMetrics('shop').catch((e: unknown) => e);
    fake.setMode('serving');
    expect(isAppError(err, 'k8s_error')).toBe(true);
  });

  it('reports an unreachable API server as k8s_unreachable', async () => {
    const gone = await startFakeMetricsApi();
    await gone.close();
    const err = await createMetricsReader(kubeConfigFor(gone.url, gone.certPem), { timeoutMs: 2_000 }).available().catch((e: unknown) => e);
    expect(isAppError(err, 'k8s_unreachable')).toBe(true);
  });
});
