import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { connectRedis } from '../../../src/adapters/redis/connection.ts';
import { createUsageHistory, usageKey } from '../../../src/adapters/redis/usage-history.ts';
import { isAppError } from '../../../src/core/errors.ts';
import { deleteKeysUnder, SHARED_REDIS_URL, uniquePrefix } from '../../support/redis-keys.ts';

const prefix = uniquePrefix('usage-history');
const Mi = 1024 * 1024;
const START = Date.parse('2024-05-14T10:00:00Z');
const at = (minutes: number): string => new Date(START + minutes * 60_000).toISOString();
let redis: Redis;

beforeAll(async () => {
  redis = await connectRedis(SHARED_REDIS_URL, 'store');
});

afterAll(async () => {
  await deleteKeysUnder(redis, prefix);
  await redis.quit();
});

describe('usage history', () => {
  it('keeps samples per container, oldest first, whatever order they were recorded in', async () => {
    const history = createUsageHistory({ redis, prefix });
    await history.record([
      { namespace: 'shop', pod: 'cache-0', container: 'app', bytes: 42 * Mi, at: at(2) },
      { namespace: 'shop', pod: 'cache-0', container: 'sidecar', bytes: 8 * Mi, at: at(2) },
      { namespace: 'shop', pod: 'cache-0', container: 'app', bytes: 40 * Mi, at: at(0) },
    ]);
    await history.record([{ namespace: 'shop', pod: 'cache-0', container: 'app', bytes: 41 * Mi, at: at(1) }]);
    expect(await history.samples('shop', 'cache-0', 'app')).toEqual([
      { at: at(0), bytes: 40 * Mi },
      { at: at(1), bytes: 41 * Mi },
      { at: at(2), bytes: 42 * Mi },
    ]);
    expect(await history.samples('shop', 'cache-0', 'sidecar')).toEqual([{ at: at(2), bytes: 8 * Mi }]);
    expect(await history.samples('shop', 'cache-1', 'app')).toEqual([]);
  });

  it('stores one sample per timestamp: a repeated scrape replaces, never duplicates', async () => {
    const history = createUsageHistory({ redis, prefix });
    const s = { namespace: 'shop', pod: 'repeat-0', container: 'app' };
    await history.record([{ ...s, bytes: 10 * Mi, at: at(0) }]);
    await history.record([{ ...s, bytes: 10 * Mi, at: at(0) }]);
    await history.record([{ ...s, bytes: 11 * Mi, at: at(0) }]);
    expect(await history.samples('shop', 'repeat-0', 'app')).toEqual([{ at: at(0), bytes: 11 * Mi }]);
  });

  it('keeps only the newest maxSamples and sets a TTL', async () => {
    const history = createUsageHistory({ redis, prefix, maxSamples: 5, ttlSeconds: 600 });
    const s = { namespace: 'shop', pod: 'capped-0', container: 'app' };
    for (let i = 0; i < 8; i++) await history.record([{ ...s, bytes: (30 + i) * Mi, at: at(i) }]);
    const kept = await history.samples('shop', 'capped-0', 'app');
    expect(kept.map((k) => k.at)).toEqual([3, 4, 5, 6, 7].map(at));
    const ttl = await redis.ttl(usageKey(prefix, 'shop', 'capped-0', 'app'));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(600);
  });

  it('skips unreadable samples', async () => {
    const history = createUsageHistory({ redis, prefix });
    await history.record([
      { namespace: 'shop', pod: 'bad-0', container: 'app', bytes: Number.NaN, at: at(0) },
      { namespace: 'shop', pod: 'bad-0', container: 'app', bytes: 5 * Mi, at: 'yesterday-ish' },
    ]);
    expect(await redis.exists(usageKey(prefix, 'shop', 'bad-0', 'app'))).toBe(0);
  });

  it('reports an unreachable Redis as store_unavailable', async () => {
    const down = await connectRedis(SHARED_REDIS_URL, 'store');
    down.disconnect();
    const history = createUsageHistory({ redis: down, prefix });
    const err = await history.samples('shop', 'cache-0', 'app').catch((e: unknown) => e);
    expect(isAppError(err, 'store_unavailable')).toBe(true);
    const err2 = await history.record([{ namespace: 'shop', pod: 'x', container: 'app', bytes: 1, at: at(0) }]).catch((e: unknown) => e);
    expect(isAppError(err2, 'store_unavailable')).toBe(true);
  });
});
