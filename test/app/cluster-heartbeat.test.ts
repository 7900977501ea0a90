// The agent's heartbeat loop on the real Redis: it reports in at once and keeps the namespaces
// current, and stopping it makes the cluster gone for the other agents at once.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { createClusterHeartbeats } from '../../src/adapters/redis/cluster-heartbeats.ts';
import { connectRedis } from '../../src/adapters/redis/connection.ts';
import { startHeartbeat } from '../../src/app/cluster-heartbeat.ts';
import { silentLogger } from '../../src/logging.ts';
import { eventually } from '../support/eventually.ts';
import { recordingLogger } from '../support/recording-logger.ts';
import { deleteKeysUnder, SHARED_REDIS_URL, uniquePrefix } from '../support/redis-keys.ts';

let redis: Redis;
let prefix: string;
beforeAll(async () => { redis = await connectRedis(SHARED_REDIS_URL, 'store'); });
afterAll(() => redis.disconnect());
afterEach(async () => deleteKeysUnder(redis, prefix));

describe('startHeartbeat', () => {
  it('reports in before it returns, follows the namespaces, and leaves on stop', async () => {
    prefix = uniquePrefix('heartbeat');
    const clock = { now: () => new Date() };
    const directory = createClusterHeartbeats({ redis, prefix, clock, ttlMs: 60_000 });
    let namespaces = ['demo'];
    const hb = await startHeartbeat({ directory, self: { name: 'a', named: true }, version: '9.9.9', clock, logger: silentLogger, everyMs: 20, namespaces: () => namespaces, allNamespaces: false });
    const [first] = await directory.list();
    expect(first).toMatchObject({ name: 'a', live: true, versions: ['9.9.9'], namespaces: ['demo'], agents: 1 });
    namespaces = ['demo', 'shop'];
    await eventually('the next beat to carry the new namespace', async () => (await directory.list())[0]?.namespaces.includes('shop') === true);
    await hb.stop();
    expect((await directory.list()).map((c) => [c.name, c.live])).toEqual([['a', false]]);
  });

  it('warns at start when it runs without CLUSTER_NAME beside other clusters, and not when alone or named', async () => {
    prefix = uniquePrefix('heartbeat');
    const clock = { now: () => new Date() };
    const directory = createClusterHeartbeats({ redis, prefix, clock, ttlMs: 60_000 });
    const start = async (self: { name: string; named: boolean }) => {
      const logger = recordingLogger();
      const hb = await startHeartbeat({ directory, self, version: '1', clock, logger, everyMs: 60_000, namespaces: () => ['demo'], allNamespaces: false });
      return { hb, warnings: logger.entries.filter((e) => e.level === 'warn') };
    };
    const alone = await start({ name: 'kind-a', named: false });
    expect(alone.warnings).toEqual([]);
    const named = await start({ name: 'b', named: true });
    expect(named.warnings).toEqual([]);
    const unnamed = await start({ name: 'in-cluster', named: false });
    expect(unnamed.warnings.map((w) => w.fields.others)).toEqual([['b', 'kind-a']]);
    for (const { hb } of [alone, named, unnamed]) await hb.stop();
  });
});
