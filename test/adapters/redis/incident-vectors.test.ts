import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { connectRedis } from '../../../src/adapters/redis/connection.ts';
import { createIncidentVectors, decodeVector, encodeVector } from '../../../src/adapters/redis/incident-vectors.ts';
import type { VectorMeta } from '../../../src/core/similar/vector-meta.ts';
import { deleteKeysUnder, SHARED_REDIS_URL, uniquePrefix } from '../../support/redis-keys.ts';

const prefix = uniquePrefix('incident-vectors');
let redis: Redis;

beforeAll(async () => {
  redis = await connectRedis(SHARED_REDIS_URL, 'store');
});

afterAll(async () => {
  await deleteKeysUnder(redis, prefix);
  await redis.quit();
});

const meta = (id: string, day: number): VectorMeta => ({
  id, fingerprint: `demo/Deployment/checkout/app/OOMKilled`, workload: 'demo/Deployment/checkout',
  summary: `OOMKilled of container app at limit 128Mi (${id})`, lastSeen: `2025-03-${String(day).padStart(2, '0')}T09:00:00Z`,
});

describe('vector encoding', () => {
  it.each([[[]], [[0.5, -0.25, 1]], [[1e-7, 3.4e38, -0]]])('round-trips %j as float32', (v) => {
    expect(decodeVector(encodeVector(v))).toEqual(v.map(Math.fround));
  });
});

describe('createIncidentVectors', () => {
  it('stores vectors per model with their metadata, replacing an incident’s earlier vector', async () => {
    const p = `${prefix}models:`;
    const vectors = createIncidentVectors({ redis, prefix: p, retentionDays: 2 });
    await vectors.put('inc-a', 'nomic-embed-text', [1, 0, 0], meta('inc-a', 1));
    await vectors.put('inc-b', 'nomic-embed-text', [0, 1, 0], meta('inc-b', 2));
    await vectors.put('inc-c', 'mxbai-embed-large', [0, 0, 1, 0], meta('inc-c', 3));
    await vectors.put('inc-a', 'nomic-embed-text', [0.5, 0.5, 0], meta('inc-a', 4));

    const nomic = await vectors.all('nomic-embed-text');
    expect(nomic.map((v) => v.id)).toEqual(['inc-b', 'inc-a']);
    expect(nomic[1]).toEqual({ id: 'inc-a', vector: [0.5, 0.5, 0], meta: meta('inc-a', 4) });
    expect((await vectors.all('mxbai-embed-large')).map((v) => v.id)).toEqual(['inc-c']);
    expect(await vectors.all('all-minilm')).toEqual([]);

    for (const key of [`${p}vec:inc-a`, `${p}vecs`]) {
      const ttl = await redis.ttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(2 * 86_400);
    }
  });

  it('keeps the newest maxVectors and deletes the vectors it drops', async () => {
    const p = `${prefix}cap:`;
    const vectors = createIncidentVectors({ redis, prefix: p, maxVectors: 2 });
    for (const [i, id] of ['old', 'mid', 'new'].entries()) await vectors.put(id, 'm', [1, i], meta(id, i + 1));
    expect((await vectors.all('m')).map((v) => v.id)).toEqual(['mid', 'new']);
    expect(await redis.exists(`${p}vec:old`)).toBe(0);
  });

  it('forgets expired vectors and skips corrupt ones', async () => {
    const p = `${prefix}gone:`;
    const vectors = createIncidentVectors({ redis, prefix: p });
    await vectors.put('expired', 'm', [1, 0], meta('expired', 1));
    await vectors.put('corrupt', 'm', [1, 0], meta('corrupt', 2));
    await vectors.put('fine', 'm', [0, 1], meta('fine', 3));
    await redis.del(`${p}vec:expired`);
    await redis.hset(`${p}vec:corrupt`, 'meta', '{"id": 42}');
    expect((await vectors.all('m')).map((v) => v.id)).toEqual(['fine']);
    expect(await redis.zrange(`${p}vecs`, '0', '-1')).toEqual(['corrupt', 'fine']);
  });

  it('ignores vectors that cannot be compared', async () => {
    const p = `${prefix}invalid:`;
    const vectors = createIncidentVectors({ redis, prefix: p });
    await vectors.put('empty', 'm', [], meta('empty', 1));
    await vectors.put('nan', 'm', [Number.NaN, 1], meta('nan', 2));
    expect(await vectors.all('m')).toEqual([]);
  });
});
