// Leak forecasting end to end through the metrics path a real cluster uses: the fake
// metrics-server is registered as the aggregated APIService v1beta1.metrics.k8s.io on the real
// test API server, the bot's metrics reader and cluster reader talk to the API server only, and
// samples go to the real Redis. Usage advances per scan with a controlled clock.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { createClusterReader } from '../../src/adapters/kubernetes/cluster-reader.ts';
import { createMetricsReader } from '../../src/adapters/kubernetes/metrics-reader.ts';
import { connectRedis } from '../../src/adapters/redis/connection.ts';
import { createUsageHistory } from '../../src/adapters/redis/usage-history.ts';
import type { Clock, UsageHistory } from '../../src/ports.ts';
import { FORECAST_OFF_MESSAGE, FORECAST_ON_MESSAGE, forecastNamespace } from '../../src/usecases/forecast-namespace.ts';
import { describeWithCluster, useTestCluster } from '../support/cluster-context.ts';
import { kiQuantity, startFakeMetricsApi, type FakeMetricsApi } from '../support/fake-metrics-api.ts';
import { registerMetricsApi, type RegisteredMetricsApi } from '../support/metrics-api.ts';
import { recordingLogger } from '../support/recording-logger.ts';
import { deleteKeysUnder, SHARED_REDIS_URL, uniquePrefix } from '../support/redis-keys.ts';
import { seeded } from '../support/seeded-random.ts';

const Mi = 1024 * 1024;
const T0 = new Date('2024-05-14T10:00:00Z');
const SCAN_SECONDS = 30;
const at = (scan: number): Date => new Date(T0.getTime() + scan * SCAN_SECONDS * 1000);

/** A clock the test moves by hand. */
function manualClock(start: Date): Clock & { set(d: Date): void } {
  let now = start;
  return { now: () => now, set: (d) => (now = d) };
}


function podBody(name: string, containers: Array<{ name: string; limit?: string }>): Record<string, unknown> {
  return {
    metadata: { name, labels: { app: name } },
    spec: {
      restartPolicy: 'Always',
      nodeName: 'forecast-node',
      containers: containers.map((c) => ({
        name: c.name,
        image: 'registry.example.com/shop/cache:1.8.0',
        resources: { requests: { memory: '16Mi' }, ...(c.limit ? { limits: { memory: c.limit } } : {}) },
      })),
    },
  };
}

describeWithCluster('forecastNamespace', () => {
  const cluster = useTestCluster();
  let redis: Redis;
  const prefix = uniquePrefix('forecast');
  let history: UsageHistory;

  beforeAll(async () => {
    redis = await connectRedis(SHARED_REDIS_URL, 'store');
    history = createUsageHistory({ redis, prefix });
  });

  afterAll(async () => {
    await deleteKeysUnder(redis, prefix);
    await redis.quit();
  });

  describe('without metrics.k8s.io', () => {
    it('says once that forecasting is off and forecasts nothing', async () => {
      const namespace = await cluster.createNamespace('no-metrics');
      const metrics = createMetricsReader(cluster.kc);
      const logger = recordingLogger();
      const deps = { metrics, history, logger, clock: manualClock(T0) };
      for (let scan = 0; scan < 3; scan++) {
        expect(await forecastNamespace(deps, { namespace, pods: [], horizonMinutes: 30 })).toEqual([]);
      }
      expect(logger.entries.filter((e) => e.msg === FORECAST_OFF_MESSAGE)).toHaveLength(1);
      expect(logger.entries.filter((e) => e.level === 'warn' || e.level === 'error')).toEqual([]);
    });
  });

  describe('with metrics.k8s.io served through the aggregation layer', () => {
    let fake: FakeMetricsApi;
    let registered: RegisteredMetricsApi | undefined;
    let namespace: string;

    beforeAll(async () => {
      fake = await startFakeMetricsApi();
      namespace = await cluster.createNamespace('forecast');
      registered = await registerMetricsApi(cluster.kc, fake, namespace);
      for (const [pod, containers] of [
        ['leaky', [{ name: 'app', limit: '64Mi' }]],
        ['steady', [{ name: 'app', limit: '64Mi' }, { name: 'shipper' }]],
        ['jumpy', [{ name: 'app', limit: '64Mi' }]],
      ] as const) {
        await cluster.core.createNamespacedPod({ namespace, body: podBody(pod, [...containers]) });
        for (const c of containers) await cluster.setContainerScenario(namespace, pod, c.name, { kind: 'running' }, T0);
      }
    });

    afterAll(async () => {
      await registered?.unregister();
      await fake.close();
    });

    it('forecasts the growing container with the right time to its limit, and not the flat or noisy ones', async () => {
      const metrics = createMetricsReader(cluster.kc);
      const reader = createClusterReader(cluster.kc);
      const clock = manualClock(T0);
      const logger = recordingLogger();
      const noise = seeded(7);
      const firstForecastAt: number[] = [];
      let last: Awaited<ReturnType<typeof forecastNamespace>> = [];

      for (let scan = 0; scan < 12; scan++) {
        const now = at(scan);
        clock.set(now);
        const minutes = (scan * SCAN_SECONDS) / 60;
        const stamp = now.toISOString();
        fake.setMemory(namespace, 'leaky', 'app', kiQuantity((25 + 2 * minutes) * Mi), stamp); // +2 MiB/min from 25Mi
        fake.setMemory(namespace, 'steady', 'app', kiQuantity(30 * Mi + (scan % 2) * 4096), stamp);
        fake.setMemory(namespace, 'steady', 'shipper', '9Mi', stamp);
        fake.setMemory(namespace, 'jumpy', 'app', kiQuantity((30 + 0.3 * minutes + (noise() * 2 - 1) * 10) * Mi), stamp);

        const pods = await reader.listPods(namespace);
        last = await forecastNamespace({ metrics, history, logger, clock }, { namespace, pods, horizonMinutes: 30 });
        if (last.length > 0) firstForecastAt.push(scan);
      }

      // 6 samples over 5 minutes at least: the 11th scan (minute 5) is the first that may forecast.
      expect(firstForecastAt[0]).toBe(10);
      expect(last.map((d) => `${d.pod}/${d.container}`)).toEqual(['leaky/app']);
      const [d] = last;
      expect(d).toMatchObject({ kind: 'MemoryLeakForecast', namespace, pod: 'leaky', container: 'app', reason: 'projected to reach limit', memoryLimit: '64Mi' });
      // 25Mi + 2 MiB/min reaches 64Mi at minute 19.5; the last scan is at minute 5.5: 14 minutes left.
      expect(d?.facts[0]).toBe('working set 36Mi of 64Mi limit, +2 MiB/min (r²=1.00, 12 samples over 6 min): limit in about 14 minutes');
      expect(d?.facts[1]).toBe(`projected to reach the limit at ${new Date(T0.getTime() + 19.5 * 60_000).toISOString()}`);
      // The growth line travels with the detection, so the recommendation sizes the limit from it.
      expect(d?.trend?.horizonMinutes).toBe(30);
      expect(d?.trend?.slopeBytesPerMinute).toBeCloseTo(2 * Mi, -3);
      expect(d?.trend?.minutesToLimit).toBeCloseTo(14, 0);

      const lastScan = (pod: string): unknown => logger.entries.filter((e) => e.msg === 'no leak forecast' && e.fields.pod === pod).at(-1)?.fields.reason;
      expect(lastScan('steady')).toBe('flat');
      expect(lastScan('jumpy')).toBe('noisy');
      // Containers without a memory limit have nothing to forecast against: not even sampled.
      expect(await history.samples(namespace, 'steady', 'shipper')).toEqual([]);
      expect(await history.samples(namespace, 'leaky', 'app')).toHaveLength(12);
      // The samples came through the API server (its front proxy names the caller), not directly.
      expect(fake.requests.some((r) => r.path === `/apis/metrics.k8s.io/v1beta1/namespaces/${namespace}/pods` && r.remoteUser === 'test-admin')).toBe(true);
      expect(logger.entries.filter((e) => e.msg === FORECAST_OFF_MESSAGE)).toEqual([]);
    });

    it('ignores samples from before the running container started (a restart)', async () => {
      const metrics = createMetricsReader(cluster.kc);
      const reader = createClusterReader(cluster.kc);
      const clock = manualClock(at(12));
      const logger = recordingLogger();
      // The leaky container restarts now: the pod reports a new instance started at scan 12.
      await cluster.setContainerScenario(namespace, 'leaky', 'app', { kind: 'recovered-after-oom' }, new Date(at(12).getTime() + 2_000));
      // Still on the growth line, so only the container's start time can tell the samples apart.
      fake.setMemory(namespace, 'leaky', 'app', kiQuantity(38 * Mi), at(13).toISOString());
      clock.set(at(13));
      const pods = await reader.listPods(namespace);
      const detections = await forecastNamespace({ metrics, history, logger, clock }, { namespace, pods, horizonMinutes: 30 });
      expect(detections).toEqual([]);
      expect(logger.entries.find((e) => e.msg === 'no leak forecast' && e.fields.pod === 'leaky')?.fields).toMatchObject({ reason: 'too_few_samples', samples: 1 });
    });

    it('turns off with one notice when the metrics backend goes away (503 from the aggregator)', async () => {
      const metrics = createMetricsReader(cluster.kc);
      const logger = recordingLogger();
      const deps = { metrics, history, logger, clock: manualClock(at(14)) };
      const pods = await createClusterReader(cluster.kc).listPods(namespace);
      expect(await forecastNamespace(deps, { namespace, pods, horizonMinutes: 30 })).toEqual([]);
      expect(logger.entries.filter((e) => e.msg === FORECAST_OFF_MESSAGE)).toEqual([]);

      fake.setMode('unavailable');
      for (let i = 0; i < 3; i++) expect(await forecastNamespace(deps, { namespace, pods, horizonMinutes: 30 })).toEqual([]);
      fake.setMode('serving');
      expect(logger.entries.filter((e) => e.msg === FORECAST_OFF_MESSAGE)).toHaveLength(1);
      expect(logger.entries.filter((e) => e.msg === FORECAST_ON_MESSAGE)).toEqual([]);
    });
  });
});
