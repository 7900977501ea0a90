// Heartbeats on the real Redis: clusters are found from the agents that report in, go when their
// last agent stops or falls silent, and one unreadable heartbeat hides nothing else.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { connectRedis } from '../../../src/adapters/redis/connection.ts';
import { createClusterHeartbeats, heartbeatKey } from '../../../src/adapters/redis/cluster-heartbeats.ts';
import type { ClusterHeartbeat } from '../../../src/core/cluster/heartbeat.ts';
import { silentLogger } from '../../../src/logging.ts';
import type { ClusterDirectory } from '../../../src/ports.ts';
import { deleteKeysUnder, SHARED_REDIS_URL, uniquePrefix } from '../../support/redis-keys.ts';

const TTL = 30_000;
let redis: Redis;
let prefix: string;
let now: Date;
let directory: ClusterDirectory;

beforeAll(async () => {
  redis = await connectRedis(SHARED_REDIS_URL, 'store');
});
afterAll(() => redis.disconnect());
afterEach(async () => deleteKeysUnder(redis, prefix));

function setup() {
  prefix = uniquePrefix('clusters');
  now = new Date('2026-11-29T10:00:00Z');
  directory = createClusterHeartbeats({ redis, prefix, clock: { now: () => now }, ttlMs: TTL, logger: silentLogger });
}

const beat = (cluster: string, instance: string, over: Partial<ClusterHeartbeat> = {}): ClusterHeartbeat => ({
  cluster, named: true, instance, version: '0.1.0', startedAt: '2026-11-29T09:00:00Z', lastBeat: now.toISOString(), namespaces: ['demo'], ...over,
});

describe('cluster heartbeats', () => {
  it('lists the clusters whose agents report in, with version, last beat and namespaces', async () => {
    setup();
    await directory.beat(beat('a', 'a-1', { namespaces: ['demo', 'shop'] }));
    await directory.beat(beat('b', 'b-1', { version: '0.2.0' }));
    const listed = await directory.list();
    expect(listed.map((c) => [c.name, c.live, c.versions, c.namespaces])).toEqual([
      ['a', true, ['0.1.0'], ['demo', 'shop']],
      ['b', true, ['0.2.0'], ['demo']],
    ]);
    expect(listed[0]!.lastBeat).toBe('2026-11-29T10:00:00.000Z');
    const ttl = await redis.pttl(heartbeatKey(prefix, 'a'));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(TTL);
  });

  it('keeps a cluster live while one replica beats; the last one leaving makes it gone, still listed', async () => {
    setup();
    await directory.beat(beat('a', 'a-1'));
    await directory.beat(beat('a', 'a-2'));
    expect((await directory.list()).map((c) => [c.name, c.agents])).toEqual([['a', 2]]);
    await directory.leave('a', 'a-1');
    expect((await directory.list()).map((c) => [c.name, c.live, c.agents])).toEqual([['a', true, 1]]);
    await directory.leave('a', 'a-2');
    expect(await redis.exists(heartbeatKey(prefix, 'a'))).toBe(0);
    expect((await directory.list()).map((c) => [c.name, c.live, c.agents])).toEqual([['a', false, 0]]);
  });

  it('counts an agent that stopped beating as gone, and drops it at the next beat of a live replica', async () => {
    setup();
    await directory.beat(beat('a', 'crashed'));
    now = new Date(now.getTime() + TTL + 1000);
    expect((await directory.list()).map((c) => [c.name, c.live])).toEqual([['a', false]]);
    await directory.beat(beat('a', 'a-2'));
    expect(Object.keys(await redis.hgetall(heartbeatKey(prefix, 'a')))).toEqual(['a-2']);
    expect((await directory.list()).map((c) => [c.name, c.live, c.agents])).toEqual([['a', true, 1]]);
  });

  it('lets the key expire on its own when every agent falls silent', async () => {
    setup();
    const short = createClusterHeartbeats({ redis, prefix, clock: { now: () => now }, ttlMs: 50, logger: silentLogger });
    await short.beat(beat('a', 'a-1'));
    await new Promise((r) => setTimeout(r, 120));
    expect(await redis.exists(heartbeatKey(prefix, 'a'))).toBe(0);
    expect((await short.list()).map((c) => [c.name, c.live])).toEqual([['a', false]]);
  });

  it('skips an unreadable heartbeat and lists the rest', async () => {
    setup();
    await directory.beat(beat('a', 'a-1'));
    await redis.hset(heartbeatKey(prefix, 'a'), 'junk', '{not json');
    await redis.hset(heartbeatKey(prefix, 'a'), 'liar', JSON.stringify(beat('b', 'liar')));
    expect((await directory.list()).map((c) => [c.name, c.agents])).toEqual([['a', 1]]);
  });

  it('refuses a malformed heartbeat before writing it', async () => {
    setup();
    await expect(directory.beat({ ...beat('a', 'a-1'), cluster: '' })).rejects.toThrow();
    expect(await directory.list()).toEqual([]);
  });
});
