// Embeddings of past incidents, next to the incident history:
//   <prefix>vec:<id>   hash {model, dims, vector (float32 little-endian, base64), meta (JSON)}
//   <prefix>vecs       zset of ids by last write (epoch ms), capped to `maxVectors`
// Both expire `retentionDays` after the last write, like the incidents they describe; ids the cap
// pushes out are deleted with their hash. Search is brute force over all(model): a few thousand
// 768-float vectors is a few MB and a few ms of arithmetic; beyond that, use a vector index.
import type { Redis } from 'ioredis';
import { VectorMetaSchema, type VectorMeta } from '../../core/similar/vector-meta.ts';
import type { IncidentVectors, Logger, StoredVector } from '../../ports.ts';
import { withStore } from './connection.ts';
import { luaScript, runLua } from './lua.ts';

export interface IncidentVectorsOptions {
  redis: Redis;
  /** Same prefix as the incident store, e.g. "kube-ai-sre:"; a trailing ":" is added if missing. */
  prefix: string;
  /** INCIDENT_RETENTION_DAYS. Default 30. */
  retentionDays?: number;
  /** Most vectors kept; the oldest go first. Default 5000. */
  maxVectors?: number;
  logger?: Logger;
}

const DAY_SECONDS = 86_400;

/**
 * KEYS: 1 vector hash, 2 index zset
 * ARGV: 1 id, 2 model, 3 dims, 4 vector, 5 meta, 6 ttl seconds, 7 score, 8 cap, 9 vector key prefix
 */
const PUT = luaScript(`
redis.call('HSET', KEYS[1], 'model', ARGV[2], 'dims', ARGV[3], 'vector', ARGV[4], 'meta', ARGV[5])
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[6]))
redis.call('ZADD', KEYS[2], tonumber(ARGV[7]), ARGV[1])
local cap = tonumber(ARGV[8])
local evicted = redis.call('ZRANGE', KEYS[2], 0, -(cap + 1))
for _, id in ipairs(evicted) do redis.call('DEL', ARGV[9] .. id) end
if #evicted > 0 then redis.call('ZREMRANGEBYRANK', KEYS[2], 0, -(cap + 1)) end
redis.call('EXPIRE', KEYS[2], tonumber(ARGV[6]))
return #evicted
`);

export function encodeVector(vector: readonly number[]): string {
  const buf = Buffer.alloc(vector.length * 4);
  vector.forEach((x, i) => buf.writeFloatLE(x, i * 4));
  return buf.toString('base64');
}

export function decodeVector(text: string): number[] {
  const buf = Buffer.from(text, 'base64');
  const out = new Array<number>(Math.floor(buf.length / 4));
  for (let i = 0; i < out.length; i++) out[i] = buf.readFloatLE(i * 4);
  return out;
}

export function createIncidentVectors(opts: IncidentVectorsOptions): IncidentVectors {
  const { redis, logger } = opts;
  const prefix = opts.prefix.endsWith(':') || opts.prefix === '' ? opts.prefix : `${opts.prefix}:`;
  const ttl = Math.max(1, Math.round((opts.retentionDays ?? 30) * DAY_SECONDS));
  const cap = Math.max(1, Math.floor(opts.maxVectors ?? 5000));
  const vecPrefix = `${prefix}vec:`;
  const index = `${prefix}vecs`;

  return {
    async put(id: string, model: string, vector: number[], meta: VectorMeta): Promise<void> {
      if (vector.length === 0 || !vector.every(Number.isFinite)) return;
      const score = Date.parse(meta.lastSeen);
      await withStore('store incident vector', () =>
        runLua(redis, PUT, [vecPrefix + id, index], [
          id, model, vector.length, encodeVector(vector), JSON.stringify(VectorMetaSchema.parse(meta)),
          ttl, Number.isFinite(score) ? score : 0, cap, vecPrefix,
        ]),
      );
    },

    async all(model: string): Promise<StoredVector[]> {
      const ids = await withStore('list incident vectors', () => redis.zrange(index, '0', '-1'));
      if (ids.length === 0) return [];
      const pipeline = redis.pipeline();
      for (const id of ids) pipeline.hmget(vecPrefix + id, 'model', 'dims', 'vector', 'meta');
      const replies = (await withStore('read incident vectors', () => pipeline.exec())) ?? [];
      const out: StoredVector[] = [];
      const missing: string[] = [];
      ids.forEach((id, i) => {
        const [err, row] = replies[i] ?? [new Error('no reply'), null];
        if (err) throw err;
        const [m, dims, vec, metaJson] = (row as Array<string | null>) ?? [];
        if (m === null || m === undefined || vec == null || metaJson == null) {
          missing.push(id);
          return;
        }
        if (m !== model) return;
        try {
          const vector = decodeVector(vec);
          const meta = VectorMetaSchema.parse(JSON.parse(metaJson));
          if (vector.length !== Number(dims)) throw new Error(`vector has ${vector.length} numbers, expected ${dims}`);
          out.push({ id, vector, meta });
        } catch (e) {
          logger?.warn({ incidentId: id, err: e instanceof Error ? e.message : String(e) }, 'skipping corrupt incident vector');
        }
      });
      if (missing.length > 0) await withStore('prune vector index', () => redis.zrem(index, ...missing));
      return out;
    },
  };
}
