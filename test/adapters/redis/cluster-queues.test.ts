// Several agents on one Redis: scans, analyses and alerts go to the queues of their cluster and
// are run only by that cluster's workers; thread questions share one queue; an unnamed agent keeps the
// queue names it always had.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { connectRedis } from '../../../src/adapters/redis/connection.ts';
import { closeAll, clusterQueueName, createQueues, startWorker, type Queues, type RunningWorker } from '../../../src/adapters/redis/queues.ts';
import type { ClusterRef } from '../../../src/core/cluster/cluster-ref.ts';
import type { AlertJob, ScanJob } from '../../../src/core/jobs.ts';
import { silentLogger } from '../../../src/logging.ts';
import { eventually } from '../../support/eventually.ts';
import { webhookAlert, webhookPayload } from '../../fixtures/alertmanager/webhook.ts';
import { deleteKeysUnder, SHARED_REDIS_URL, uniquePrefix } from '../../support/redis-keys.ts';

const A: ClusterRef = { name: 'a', named: true };
const B: ClusterRef = { name: 'prod:eu', named: true };

describe('clusterQueueName', () => {
  it.each([
    ['scan', undefined, 'scan'],
    ['scan', { name: 'kind-kind', named: false }, 'scan'],
    ['analyze', { name: 'in-cluster', named: false }, 'analyze'],
    ['scan', A, 'scan@a'],
    ['analyze', A, 'analyze@a'],
    ['thread', A, 'thread'],
    ['scan', B, 'scan@prod%3Aeu'],
    ['scan', { name: 'team/prod@eu', named: true }, 'scan@team/prod@eu'],
  ] as const)('%s of %j is %s', (kind, cluster, name) => {
    expect(clusterQueueName(kind, cluster)).toBe(name);
    expect(name).not.toContain(':');
  });
});

describe('scan queues per cluster', () => {
  const prefix = uniquePrefix('cqueues').slice(0, -1);
  let producer: Redis;
  let workerConnection: Redis;
  let queuesA: Queues;
  let queuesB: Queues;
  const workers: RunningWorker[] = [];
  const ran: Array<{ by: string; job: ScanJob }> = [];
  const alerted: Array<{ by: string; job: AlertJob }> = [];

  beforeAll(async () => {
    producer = await connectRedis(SHARED_REDIS_URL, 'queue');
    workerConnection = await connectRedis(SHARED_REDIS_URL, 'worker');
    queuesA = createQueues({ connection: producer, prefix, cluster: A });
    queuesB = createQueues({ connection: producer, prefix, cluster: B });
    for (const cluster of [A, B]) {
      workers.push(startWorker('scan', async (job) => { ran.push({ by: cluster.name, job: job.data }); }, {
        connection: workerConnection, prefix, concurrency: 1, logger: silentLogger, cluster,
      }));
      workers.push(startWorker('alert', async (job) => { alerted.push({ by: cluster.name, job: job.data }); }, {
        connection: workerConnection, prefix, concurrency: 1, logger: silentLogger, cluster,
      }));
    }
  });

  afterAll(async () => {
    const cleaner = await connectRedis(SHARED_REDIS_URL, 'store');
    await closeAll({ workers, queues: queuesA, connections: [] });
    await closeAll({ queues: queuesB, connections: [producer, workerConnection] });
    await deleteKeysUnder(cleaner, `${prefix}:`);
    await cleaner.quit();
  });

  it('runs a scan routed to cluster a by a\'s worker, whoever enqueued it, and the own scans by their own', async () => {
    await queuesB.enqueueScan({ namespace: 'demo', trigger: 'slash', requestedBy: 'U1' }, A);
    await queuesB.enqueueScan({ namespace: 'shop', trigger: 'slash' });
    await eventually('both scans to run', () => ran.length >= 2);
    const byNamespace = Object.fromEntries(ran.map((r) => [r.job.namespace, r]));
    expect(byNamespace.demo).toEqual({ by: 'a', job: { namespace: 'demo', trigger: 'slash', requestedBy: 'U1', cluster: 'a' } });
    expect(byNamespace.shop?.by).toBe('prod:eu');
  });

  it('runs alerts sent on to cluster a by a\'s worker, and the own ones by their own', async () => {
    const job = (pod: string): AlertJob => ({ payload: webhookPayload([webhookAlert({ labels: { pod } })]), receivedAt: '2026-11-29T06:00:00.000Z' });
    await queuesB.enqueueAlerts(job('in-a'), 'notification-1@a', A);
    await queuesB.enqueueAlerts(job('in-b'), 'notification-1');
    await eventually('both alert jobs to run', () => alerted.length >= 2);
    expect(alerted.map((r) => [r.by, r.job.payload.alerts[0]!.labels.pod]).sort()).toEqual([['a', 'in-a'], ['prod:eu', 'in-b']]);
  });

  it('keeps each cluster\'s schedules apart', async () => {
    await queuesA.syncScanSchedules(['demo'], 60_000);
    await queuesB.syncScanSchedules(['demo', 'shop'], 60_000);
    await queuesA.syncScanSchedules(['demo'], 60_000);
    expect((await queuesA.listScanSchedules()).map((s) => s.namespace)).toEqual(['demo']);
    expect((await queuesB.listScanSchedules()).map((s) => s.namespace).sort()).toEqual(['demo', 'shop']);
    const scheduled = (await queuesA.scan.getJobSchedulers(0, -1, true)).map((s) => s.template?.data);
    expect(scheduled).toEqual([{ namespace: 'demo', trigger: 'schedule', cluster: 'a' }]);
  });
});
