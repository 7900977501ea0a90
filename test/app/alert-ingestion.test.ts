// Which queue a notification's alerts go to, through the real webhook receiver: only a named
// cluster with a live agent takes alerts labelled with it; a cluster gone quiet, an unnamed one,
// or heartbeats that cannot be read leave them with the agent that received them.
import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { startAlertIngestion, type AlertIngestion } from '../../src/app/alert-ingestion.ts';
import { createMetrics } from '../../src/adapters/http/metrics.ts';
import { connectRedis } from '../../src/adapters/redis/connection.ts';
import type { Queues } from '../../src/adapters/redis/queues.ts';
import { loadConfig } from '../../src/config/env.ts';
import type { ClusterRef } from '../../src/core/cluster/cluster-ref.ts';
import type { ClusterStatus } from '../../src/core/cluster/heartbeat.ts';
import type { AlertJob } from '../../src/core/jobs.ts';
import { silentLogger } from '../../src/logging.ts';
import type { ClusterDirectory } from '../../src/ports.ts';
import type { AlertJobDeps } from '../../src/usecases/ingest-alerts.ts';
import { webhookAlert, webhookPayload } from '../fixtures/alertmanager/webhook.ts';
import { deleteKeysUnder, SHARED_REDIS_URL, uniquePrefix } from '../support/redis-keys.ts';

const TOKEN = 'alert-ingestion-token-0123456789';
const SELF: ClusterRef = { name: 'eu-1', named: true };

const status = (name: string, over: Partial<ClusterStatus> = {}): ClusterStatus => ({
  name, named: true, live: true, lastBeat: '2026-11-29T06:00:00.000Z', versions: ['0.1.0'], agents: 1, namespaces: [], allNamespaces: true, ...over,
});

describe('alert ingestion: where each alert is queued', () => {
  let redis: Redis;
  let worker: Redis;
  let prefix: string;
  let ingestion: AlertIngestion | undefined;

  beforeAll(async () => {
    redis = await connectRedis(SHARED_REDIS_URL, 'store');
    worker = await connectRedis(SHARED_REDIS_URL, 'worker');
  });
  afterEach(async () => {
    await ingestion?.stop();
    await deleteKeysUnder(redis, prefix);
  });
  afterAll(async () => {
    redis.disconnect();
    worker.disconnect();
  });

  async function deliver(list: ClusterDirectory['list']): Promise<Array<{ pods: string[]; to: string | undefined }>> {
    prefix = uniquePrefix('alert-ingestion');
    const queued: Array<{ pods: string[]; to: string | undefined }> = [];
    const queues = {
      enqueueAlerts: async (job: AlertJob, _key: string, cluster?: ClusterRef) => {
        queued.push({ pods: job.payload.alerts.map((a) => a.labels.pod!), to: cluster?.name });
        return { jobId: String(queued.length) };
      },
    } as unknown as Queues;
    const config = loadConfig({ ALERTMANAGER_TOKEN: TOKEN, ALERTMANAGER_PORT: '0', KEY_PREFIX: prefix });
    ingestion = await startAlertIngestion(config, {
      track: { logger: silentLogger, clock: { now: () => new Date() } } as unknown as AlertJobDeps,
      queues, redis, metrics: createMetrics({ defaultMetrics: false }),
      workerOpts: { connection: worker, prefix: `${prefix}bull`, logger: silentLogger, cluster: SELF },
      host: '127.0.0.1', self: SELF,
      clusters: { beat: async () => {}, leave: async () => {}, list },
    });
    const body = webhookPayload(['us-1', 'ap-1', 'dev', 'eu-1'].map((cluster) => webhookAlert({ labels: { cluster, pod: `pod-in-${cluster}` } })));
    const res = await fetch(`http://127.0.0.1:${ingestion!.port}/alertmanager`, {
      method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
    });
    expect(res.status).toBe(200);
    return queued;
  }

  it('sends on only what names a named cluster with a live agent', async () => {
    const queued = await deliver(async () => [status('eu-1'), status('us-1'), status('ap-1', { live: false }), status('dev', { named: false })]);
    expect(queued).toEqual([
      { pods: ['pod-in-ap-1', 'pod-in-dev', 'pod-in-eu-1'], to: undefined },
      { pods: ['pod-in-us-1'], to: 'us-1' },
    ]);
  });

  it('keeps every alert here when the heartbeats cannot be read', async () => {
    const queued = await deliver(async () => { throw new Error('Redis is down'); });
    expect(queued).toEqual([{ pods: ['pod-in-us-1', 'pod-in-ap-1', 'pod-in-dev', 'pod-in-eu-1'], to: undefined }]);
  });
});
