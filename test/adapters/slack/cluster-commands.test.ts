// `/sre scan` and `/sre clusters` with several clusters on one Redis, through Bolt's real HTTP
// receiver, the fake Slack, real Redis heartbeats and BullMQ: this agent (cluster b) routes a scan
// of cluster a to a's queue, asks which cluster when it cannot tell, and answers plainly when the
// cluster has no live agent.
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClusterHeartbeats } from '../../../src/adapters/redis/cluster-heartbeats.ts';
import { connectRedis } from '../../../src/adapters/redis/connection.ts';
import { clusterQueueName } from '../../../src/adapters/redis/queues.ts';
import type { ClusterRef } from '../../../src/core/cluster/cluster-ref.ts';
import type { ClusterHeartbeat } from '../../../src/core/cluster/heartbeat.ts';
import type { ScanJob } from '../../../src/core/jobs.ts';
import type { ClusterDirectory } from '../../../src/ports.ts';
import { deleteKeysUnder, SHARED_REDIS_URL, uniquePrefix } from '../../support/redis-keys.ts';
import { CAROL, startHarness, type Harness } from './harness.ts';

const A: ClusterRef = { name: 'a', named: true };
const B: ClusterRef = { name: 'b', named: true };
const heartbeatPrefix = uniquePrefix('slack-clusters');
let h: Harness;
let redis: Redis;
let directory: ClusterDirectory;
let scanA: Queue<ScanJob>;
let scanB: Queue<ScanJob>;

const beat = (cluster: string, namespaces: string[]): ClusterHeartbeat => ({
  cluster, named: true, instance: `${cluster}-1`, version: '0.1.0', startedAt: new Date().toISOString(), lastBeat: new Date().toISOString(), namespaces,
});

beforeAll(async () => {
  redis = await connectRedis(SHARED_REDIS_URL, 'store');
  directory = createClusterHeartbeats({ redis, prefix: heartbeatPrefix, clock: { now: () => new Date() }, ttlMs: 60_000 });
  await directory.beat(beat('a', ['demo', 'shop']));
  await directory.beat(beat('b', ['demo', 'payments']));
  h = await startHarness({ deps: { self: B, clusters: directory } });
  scanA = new Queue<ScanJob>(clusterQueueName('scan', A), { connection: redis, prefix: `${h.prefix}bull` });
  scanB = new Queue<ScanJob>(clusterQueueName('scan', B), { connection: redis, prefix: `${h.prefix}bull` });
});

afterAll(async () => {
  await scanA?.close();
  await scanB?.close();
  await h?.close();
  await deleteKeysUnder(redis, heartbeatPrefix);
  await deleteKeysUnder(redis, `${h.prefix}bull:`);
  redis.disconnect();
});

async function command(text: string): Promise<{ text: string; responseUrl: string }> {
  const payload = h.fake.payloads.slashCommand({ text, user: CAROL });
  const res = await h.fake.deliver(h.eventsUrl, payload);
  expect(res.status).toBe(200);
  return { text: String((res.json as { text?: string }).text ?? ''), responseUrl: String(payload.body.response_url) };
}

describe('/sre scan across clusters', () => {
  it('puts `scan a/demo`, received by b\'s agent, on a\'s scan queue and audits it as a\'s', async () => {
    const { text, responseUrl } = await command('scan a/demo');
    expect(text).toBe('Scanning demo in cluster a… new incidents go to the incident channel; the summary comes here.');
    await expect.poll(async () => (await scanA.getJobs(['waiting', 'active', 'delayed'])).map((j) => j.data)).toContainEqual({
      namespace: 'demo', cluster: 'a', trigger: 'slash', requestedBy: CAROL.id, responseUrl,
    });
    expect((await scanB.getJobs(['waiting', 'active', 'delayed'])).filter((j) => j.data.responseUrl === responseUrl)).toEqual([]);
    await expect.poll(async () => (await h.audit.latest(20)).find((e) => e.action === 'scan_requested' && e.subject?.namespace === 'demo')?.subject)
      .toEqual({ namespace: 'demo', cluster: 'a' });
  });

  it('routes a namespace only one live cluster scans to that cluster', async () => {
    const { text, responseUrl } = await command('scan shop');
    expect(text).toBe('Scanning shop in cluster a… new incidents go to the incident channel; the summary comes here.');
    await expect.poll(async () => (await scanA.getJobs(['waiting', 'active', 'delayed'])).map((j) => j.data.responseUrl)).toContain(responseUrl);
  });

  it('runs a namespace only its own cluster scans on its own queue', async () => {
    const { text, responseUrl } = await command('scan payments');
    expect(text).toBe('Scanning payments in cluster b… new incidents go to the incident channel; the summary comes here.');
    await expect.poll(async () => (await scanB.getJobs(['waiting', 'active', 'delayed'])).map((j) => j.data.responseUrl)).toContain(responseUrl);
  });

  it('asks which cluster when the namespace is in several, and enqueues nothing', async () => {
    const before = await scanA.count();
    const { text } = await command('scan demo');
    expect(text).toBe('Which cluster? demo is in several clusters: `a`, `b`. Name it, e.g. `/sre scan a/demo`.');
    expect(await scanA.count()).toBe(before);
  });

  it('says plainly that a cluster without a live agent was not scanned', async () => {
    const { text } = await command('scan c/demo');
    expect(text).toBe('Cluster `c` has no live agent (no agent of that name has reported in): nothing was scanned. Live clusters: `a`, `b`.');
  });
});

describe('/sre clusters', () => {
  it('lists the clusters that report in, with version and namespaces', async () => {
    const payload = h.fake.payloads.slashCommand({ text: 'clusters' });
    await h.fake.deliver(h.eventsUrl, payload);
    const reply = String((await h.fake.waitForResponse((r) => r.url === payload.body.response_url)).body.text);
    expect(reply.split('\n')[0]).toBe('*Clusters* (2 live of 2):');
    expect(reply).toMatch(/\*a\* — 1 agent, version 0\.1\.0, last heartbeat <!date\^\d+\^[^>]+>; scans demo, shop/);
    expect(reply).toMatch(/\*b\* — 1 agent, version 0\.1\.0, .*; scans demo, payments/);
  });
});

describe('/sre scan when the heartbeats do not answer', () => {
  let stalled: Harness;
  const never: ClusterDirectory = { beat: async () => {}, leave: async () => {}, list: () => new Promise(() => {}) };
  beforeAll(async () => {
    stalled = await startHarness({ deps: { self: B, clusters: never } });
  });
  afterAll(async () => stalled?.close());

  it('acks within Slack\'s deadline with a plain line, and enqueues nothing', async () => {
    const payload = stalled.fake.payloads.slashCommand({ text: 'scan a/demo', user: CAROL });
    const res = await stalled.fake.deliver(stalled.eventsUrl, payload);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ response_type: 'ephemeral', text: 'Scan of demo not started: The incident store (Redis) is unavailable right now (store_unavailable); try again in a moment.' });
    const queueOfA = new Queue<ScanJob>(clusterQueueName('scan', A), { connection: redis, prefix: `${stalled.prefix}bull` });
    try {
      expect(await queueOfA.count()).toBe(0);
    } finally {
      await queueOfA.close();
    }
    expect((await stalled.audit.latest(10)).map((e) => e.action)).toEqual([]);
  });
});

