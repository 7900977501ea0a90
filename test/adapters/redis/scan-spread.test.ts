// Scheduled scans of every namespace of a cluster are spread over the interval: each namespace
// runs at its own stable offset, so a cluster with hundreds of namespaces is not listed at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { connectRedis } from '../../../src/adapters/redis/connection.ts';
import { closeAll, createQueues, scanOffsetMs, type Queues } from '../../../src/adapters/redis/queues.ts';
import { deleteKeysUnder, SHARED_REDIS_URL, uniquePrefix } from '../../support/redis-keys.ts';

const EVERY = 60_000;

describe('scanOffsetMs', () => {
  it('is stable, inside the interval and never 0', () => {
    for (const ns of ['demo', 'kube-system', 'a']) {
      const offset = scanOffsetMs(ns, EVERY, 'prod');
      expect(offset).toBe(scanOffsetMs(ns, EVERY, 'prod'));
      expect(offset).toBeGreaterThanOrEqual(1);
      expect(offset).toBeLessThan(EVERY);
    }
    expect(scanOffsetMs('demo', 1)).toBe(1);
  });

  it('spreads 200 namespaces over the interval: no tenth of it holds more than a fifth of them', () => {
    const buckets = new Array<number>(10).fill(0);
    for (let i = 0; i < 200; i++) buckets[Math.floor(scanOffsetMs(`team-${i}`, EVERY, 'prod') / (EVERY / 10))]! += 1;
    expect(Math.max(...buckets)).toBeLessThanOrEqual(40);
    expect(Math.min(...buckets)).toBeGreaterThan(0);
  });

  it('puts the same namespace of two clusters at different places', () => {
    expect(scanOffsetMs('demo', EVERY, 'a')).not.toBe(scanOffsetMs('demo', EVERY, 'b'));
  });
});

describe('syncScanSchedules with spread', () => {
  const prefix = uniquePrefix('spread').slice(0, -1);
  let connection: Redis;
  let queues: Queues;

  beforeAll(async () => {
    connection = await connectRedis(SHARED_REDIS_URL, 'queue');
    queues = createQueues({ connection, prefix, cluster: { name: 'prod', named: true } });
  });
  afterAll(async () => {
    const cleaner = await connectRedis(SHARED_REDIS_URL, 'store');
    await closeAll({ queues, connections: [connection] });
    await deleteKeysUnder(cleaner, `${prefix}:`);
    await cleaner.quit();
  });

  // The next run of each schedule (a schedule made without an offset also left a job due at once).
  const nextRuns = async () => Object.fromEntries((await queues.scan.getJobs(['delayed'])).map((j) => [j.data.namespace, (j.timestamp + (j.delay ?? 0)) % EVERY]));

  it('schedules each namespace at its own offset, and re-makes a schedule created all at once', async () => {
    // As an earlier version left it: created without an offset, so it runs when it was created.
    await queues.upsertScanSchedule('legacy', EVERY);
    const namespaces = ['legacy', 'demo', 'shop', 'payments'];
    await queues.syncScanSchedules(namespaces, EVERY, { spread: true });
    expect((await queues.listScanSchedules()).map((s) => s.namespace).sort()).toEqual([...namespaces].sort());
    const runs = await nextRuns();
    for (const ns of namespaces) expect(runs[ns]).toBe(scanOffsetMs(ns, EVERY, 'prod'));
    expect(await queues.scan.getJobSchedulersCount()).toBe(4);
  });

  it('leaves schedules already in place alone when synced again', async () => {
    const before = await queues.scan.getJobs(['delayed']);
    await queues.syncScanSchedules(['legacy', 'demo', 'shop', 'payments'], EVERY, { spread: true });
    const after = await queues.scan.getJobs(['delayed']);
    expect(after.map((j) => j.id).sort()).toEqual(before.map((j) => j.id).sort());
  });
});
