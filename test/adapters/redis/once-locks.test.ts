import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { connectRedis } from '../../../src/adapters/redis/connection.ts';
import { createOnceLocks } from '../../../src/adapters/redis/once-locks.ts';
import type { OnceLocks } from '../../../src/ports.ts';
import { deleteKeysUnder, SHARED_REDIS_URL, uniquePrefix } from '../../support/redis-keys.ts';

const prefix = uniquePrefix('once-locks');
const clients: Redis[] = [];
let replicas: OnceLocks[] = [];
let admin: Redis;

// Several stores on separate connections behave like separate replicas.
beforeAll(async () => {
  for (let i = 0; i < 4; i++) clients.push(await connectRedis(SHARED_REDIS_URL, 'store'));
  admin = clients[0]!;
  replicas = clients.map((redis) => createOnceLocks({ redis, prefix }));
});

afterAll(async () => {
  await deleteKeysUnder(admin, prefix);
  await Promise.all(clients.map((c) => c.quit()));
});

function locks(i = 0): OnceLocks {
  return replicas[i % replicas.length]!;
}

describe('once locks', () => {
  it('reports a key as seen once', async () => {
    const key = 'Ev0ONCEABCDEF';
    const firsts = await Promise.all(Array.from({ length: 5 }, (_, i) => locks(i).seenOnce(key, 60)));
    expect(firsts.filter(Boolean)).toHaveLength(1);
    const ttl = await admin.ttl(`${prefix}seen:${key}`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60);
  });

  it('lets the key be taken again once forgotten', async () => {
    const key = 'Ev0FORGETABCDEF';
    expect(await locks().seenOnce(key, 60)).toBe(true);
    expect(await locks(1).seenOnce(key, 60)).toBe(false);
    await locks(2).forget(key);
    expect(await admin.exists(`${prefix}seen:${key}`)).toBe(0);
    expect(await locks(3).seenOnce(key, 60)).toBe(true);
  });
});
