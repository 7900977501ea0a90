import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { connectRedis } from '../../../src/adapters/redis/connection.ts';
import {
  analyzeJobId,
  closeAll,
  createQueues,
  startWorker,
  threadJobId,
  type JobContext,
  type Queues,
  type RunningWorker,
} from '../../../src/adapters/redis/queues.ts';
import { AppError } from '../../../src/core/errors.ts';
import type { ScanJob } from '../../../src/core/jobs.ts';
import { silentLogger } from '../../../src/logging.ts';
import { foundIncident } from '../../fixtures/incidents/report.ts';
import { waitUntil } from '../../support/test-cluster/wait-until.ts';
import { deleteKeysUnder, SHARED_REDIS_URL, uniquePrefix } from '../../support/redis-keys.ts';

// BullMQ keys are "<prefix>:<queue>:…"; the unique part keeps test runs apart.
const prefix = uniquePrefix('queues').slice(0, -1);
let producer: Redis;
let workerConnection: Redis;
let queues: Queues;
const workers: RunningWorker[] = [];

beforeAll(async () => {
  producer = await connectRedis(SHARED_REDIS_URL, 'queue');
  workerConnection = await connectRedis(SHARED_REDIS_URL, 'worker');
  queues = createQueues({ connection: producer, prefix });
});

afterAll(async () => {
  const cleaner = await connectRedis(SHARED_REDIS_URL, 'store');
  await closeAll({ workers, queues, connections: [producer, workerConnection] });
  await deleteKeysUnder(cleaner, `${prefix}:`);
  await cleaner.quit();
});

async function stateOf(queue: 'scan' | 'analyze' | 'thread', id: string): Promise<string> {
  const job = await queues[queue].getJob(id);
  return job ? await job.getState() : 'missing';
}

describe('job ids', () => {
  it('derives stable BullMQ-safe ids', () => {
    const id = analyzeJobId('demo/Deployment/checkout/app/OOMKilled', 'sha256:2c6e');
    expect(id).toMatch(/^analyze-[0-9a-f]{32}$/);
    expect(analyzeJobId('demo/Deployment/checkout/app/OOMKilled', 'sha256:2c6e')).toBe(id);
    expect(analyzeJobId('demo/Deployment/checkout/app/OOMKilled', 'sha256:ffff')).not.toBe(id);
    expect(threadJobId('C0INCIDENTS', '1741079111.000200')).toMatch(/^thread-[0-9a-f]{32}$/);
  });
});

describe('schedulers', () => {
  it('keeps one scheduler per namespace however often it is upserted', async () => {
    await queues.upsertScanSchedule('demo', 60_000);
    await queues.upsertScanSchedule('demo', 30_000);
    expect(await queues.scan.getJobSchedulersCount()).toBe(1);
    expect(await queues.listScanSchedules()).toEqual([{ namespace: 'demo', everyMs: 30_000 }]);
    const scheduler = await queues.scan.getJobScheduler('scan-demo');
    expect(scheduler?.template?.data).toEqual({ namespace: 'demo', trigger: 'schedule' });
  });

  it('syncs schedules to the configured namespaces', async () => {
    await queues.syncScanSchedules(['payments', 'shop'], 45_000);
    const schedules = (await queues.listScanSchedules()).sort((a, b) => a.namespace.localeCompare(b.namespace));
    expect(schedules).toEqual([
      { namespace: 'payments', everyMs: 45_000 },
      { namespace: 'shop', everyMs: 45_000 },
    ]);
    await queues.syncScanSchedules([], 45_000);
    expect(await queues.scan.getJobSchedulersCount()).toBe(0);
  });
});

describe('dedup', () => {
  it('enqueues one analysis per fingerprint and context', async () => {
    const found = foundIncident();
    const job = { incidentId: 'inc-1', fingerprint: found.fingerprint, namespace: found.detection.namespace, pod: found.detection.pod, contextKey: 'sha256:aa', found };
    const a = await queues.enqueueAnalyze(job);
    const b = await queues.enqueueAnalyze(job);
    const c = await queues.enqueueAnalyze({ ...job, contextKey: 'sha256:bb' });
    expect(a.jobId).toBe(b.jobId);
    expect(c.jobId).not.toBe(a.jobId);
    expect(await queues.analyze.getWaitingCount()).toBe(2);
  });

  it('enqueues one answer per thread message', async () => {
    const q = { incidentId: 'inc-1', channel: 'C0INCIDENTS', threadTs: '1741079111.000200', messageTs: '1741079222.000300', userId: 'U0SREALICE', text: 'why?' };
    expect((await queues.enqueueThread(q)).jobId).toBe((await queues.enqueueThread(q)).jobId);
    expect(await queues.thread.getWaitingCount()).toBe(1);
  });

  it('refuses malformed job data before enqueueing', async () => {
    await expect(queues.enqueueScan({ namespace: '', trigger: 'slash' })).rejects.toThrow();
  });
});

describe('workers', () => {
  it('processes a scan job with validated data', async () => {
    const seen: Array<JobContext<ScanJob>> = [];
    let done!: () => void;
    const processed = new Promise<void>((resolve) => (done = resolve));
    workers.push(
      startWorker(
        'scan',
        async (job) => {
          // Earlier tests leave scheduler-made 'shop' jobs behind: only the slash one counts here.
          if (job.data.namespace === 'shop' && job.data.trigger === 'slash') {
            seen.push(job);
            done();
            return { pods: 3 };
          }
          if (job.data.namespace === 'forbidden') throw new AppError('k8s_forbidden', 'namespaces "forbidden" is forbidden');
          if (job.data.namespace === 'flaky' && job.attempt === 1) throw new AppError('k8s_unreachable', 'connection reset');
          return { pods: 0 };
        },
        { connection: workerConnection, prefix, concurrency: 2, logger: silentLogger },
      ),
    );
    const { jobId } = await queues.enqueueScan({ namespace: 'shop', trigger: 'slash', requestedBy: 'U0SREALICE' });
    await processed;
    expect(seen).toMatchObject([{ id: jobId, data: { namespace: 'shop', trigger: 'slash', requestedBy: 'U0SREALICE' }, attempt: 1, maxAttempts: 3 }]);
    await waitUntil('the scan job to complete', async () => ((await stateOf('scan', jobId)) === 'completed' ? true : 'not yet'));
    expect((await queues.scan.getJob(jobId))?.returnvalue).toEqual({ pods: 3 });
  });

  it('dates a delayed job from when it became due, not from when it was made', async () => {
    const seen: Array<JobContext<ScanJob>> = [];
    // Its own queues: the other tests' scan worker must not take this job.
    const own = `${prefix}-delayed`;
    const delayedQueues = createQueues({ connection: producer, prefix: own });
    // A job made 1.5 s ahead, as a job scheduler makes the next scheduled scan.
    const job = await delayedQueues.scan.add('scan', { namespace: 'later', trigger: 'schedule' }, { delay: 1500 });
    const worker = startWorker('scan', async (ctx) => {
      seen.push(ctx);
      return { pods: 0 };
    }, { connection: workerConnection, prefix: own, concurrency: 1, logger: silentLogger });
    try {
      await waitUntil('the delayed job to run', async () => (seen.length > 0 ? true : 'not yet'));
      expect(seen[0]!.enqueuedAt).toBe(job.timestamp + 1500);
    } finally {
      await worker.close();
      await delayedQueues.close();
      const cleaner = await connectRedis(SHARED_REDIS_URL, 'store');
      await deleteKeysUnder(cleaner, `${own}:`);
      await cleaner.quit();
    }
  });

  it('fails a permanent error once, without retries', async () => {
    const { jobId } = await queues.enqueueScan({ namespace: 'forbidden', trigger: 'slash' });
    await waitUntil('the job to fail', async () => ((await stateOf('scan', jobId)) === 'failed' ? true : 'not yet'));
    const job = await queues.scan.getJob(jobId);
    expect(job?.attemptsMade).toBe(1);
    expect(job?.failedReason).toContain('k8s_forbidden');
  });

  it('fails a job with invalid data once', async () => {
    const job = await queues.scan.add('scan', { namespace: 42 } as unknown as ScanJob);
    await waitUntil('the job to fail', async () => ((await stateOf('scan', job.id!)) === 'failed' ? true : 'not yet'));
    expect((await queues.scan.getJob(job.id!))?.attemptsMade).toBe(1);
  });

  it('retries a transient error', async () => {
    const job = await queues.scan.add('scan', { namespace: 'flaky', trigger: 'watch' }, { attempts: 3, backoff: { type: 'fixed', delay: 10 } });
    await waitUntil('the job to complete', async () => ((await stateOf('scan', job.id!)) === 'completed' ? true : 'not yet'));
    expect((await queues.scan.getJob(job.id!))?.attemptsMade).toBe(2);
  });

  it('reports queue depths', async () => {
    const rows = await queues.depths();
    expect(rows).toContainEqual({ queue: 'analyze', state: 'waiting', count: 2 });
    expect(rows.filter((r) => r.queue === 'scan' && r.state === 'failed')).toEqual([{ queue: 'scan', state: 'failed', count: 2 }]);
  });
});
