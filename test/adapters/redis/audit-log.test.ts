import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RedisAuditLog } from '../../../src/adapters/redis/audit-log.ts';
import { sha256Hex } from '../../../src/adapters/hash.ts';
import { hashInput, type AuditEntry, type AuditEntryInput } from '../../../src/core/audit/entry.ts';
import type { Clock } from '../../../src/ports.ts';
import { loadTrail, oldTrailRows, rewriteChain } from '../../support/audit-trail.ts';

import { SHARED_REDIS_URL as REDIS_URL } from '../../support/redis-keys.ts';
const clock: Clock = { now: () => new Date('2025-03-14T09:26:53.000Z') };

let redis: Redis;
let prefix: string;
const prefixes: string[] = [];

beforeAll(() => {
  redis = new Redis(REDIS_URL);
});

afterEach(async () => {
  for (const p of prefixes.splice(0)) {
    const keys = await redis.keys(`${p}*`);
    if (keys.length) await redis.del(...keys);
  }
});

afterAll(async () => {
  await redis.quit();
});

function newLog(client: Redis = redis): RedisAuditLog {
  return new RedisAuditLog(client, prefix, clock);
}

function freshPrefix(): void {
  prefix = `test:audit:${randomUUID()}:`;
  prefixes.push(prefix);
}

const entry = (i: number): AuditEntryInput => ({
  actor: i % 3 === 0 ? 'system' : 'U024BE7LH',
  action: i % 3 === 0 ? 'incident_posted' : 'decision',
  incidentId: `inc_${i}`,
  outcome: i % 2 ? 'approved' : 'rejected',
  details: { n: i },
});

async function all(log: RedisAuditLog): Promise<AuditEntry[]> {
  const out: AuditEntry[] = [];
  for await (const e of log.export()) out.push(e);
  return out;
}

type Row = [string, string[]];
const rows = async (): Promise<Row[]> => (await redis.xrange(`${prefix}audit`, '-', '+')) as Row[];

describe('RedisAuditLog', () => {
  it('verifies an empty trail', async () => {
    freshPrefix();
    expect(await newLog().verify()).toEqual({ ok: true, entries: 0 });
  });

  it('appends a linked chain, reads it back and verifies it', async () => {
    freshPrefix();
    const log = newLog();
    const appended = [];
    for (let i = 1; i <= 5; i++) appended.push(await log.append(entry(i)));
    expect(appended.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(appended[0]!.at).toBe('2025-03-14T09:26:53.000Z');
    for (let i = 1; i < appended.length; i++) expect(appended[i]!.prevHash).toBe(appended[i - 1]!.hash);

    expect(await all(log)).toEqual(appended);
    expect((await log.latest(2)).map((e) => e.seq)).toEqual([5, 4]);
    expect(await log.latest(0)).toEqual([]);
    expect(await log.verify()).toEqual({ ok: true, entries: 5 });
  });

  it('keeps one chain under 50 concurrent appends from several connections', async () => {
    freshPrefix();
    const clients = [redis, new Redis(REDIS_URL), new Redis(REDIS_URL), new Redis(REDIS_URL), new Redis(REDIS_URL)];
    try {
      const logs = clients.map((c) => newLog(c));
      const results = await Promise.all(Array.from({ length: 50 }, (_, i) => logs[i % logs.length]!.append(entry(i))));
      expect(results.map((e) => e.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      expect(new Set(results.map((e) => e.prevHash)).size).toBe(50);
      expect(await newLog().verify()).toEqual({ ok: true, entries: 50 });
    } finally {
      await Promise.all(clients.slice(1).map((c) => c.quit()));
    }
  });

  async function seed(n: number): Promise<RedisAuditLog> {
    freshPrefix();
    const log = newLog();
    for (let i = 1; i <= n; i++) await log.append(entry(i));
    return log;
  }

  /** Rewrites the stream the way someone with Redis access would: same ids, chosen contents. */
  async function rewrite(edit: (rows: Row[]) => Row[]): Promise<void> {
    const edited = edit(await rows());
    await redis.del(`${prefix}audit`);
    for (const [id, fields] of edited) await redis.xadd(`${prefix}audit`, id, ...fields);
  }

  const setEntry = (row: Row, change: (e: Record<string, unknown>) => void): Row => {
    const fields = [...row[1]];
    const i = fields.indexOf('entry') + 1;
    const e = JSON.parse(fields[i]!) as Record<string, unknown>;
    change(e);
    fields[i] = JSON.stringify(e);
    return [row[0], fields];
  };

  it('detects an edited entry at its index', async () => {
    const log = await seed(6);
    await rewrite((rs) => rs.map((r, i) => (i === 3 ? setEntry(r, (e) => (e.outcome = 'approved-by-nobody')) : r)));
    const result = await log.verify();
    expect(result).toMatchObject({ ok: false, entries: 3, firstBadIndex: 3 });
    expect(result.problem).toMatch(/modified/);
  });

  it('detects a tampered copy appended with XADD', async () => {
    const log = await seed(4);
    const [, fields] = (await rows())[1]!;
    const copy = setEntry(['*', fields], (e) => (e.actor = 'U0MALLORY'));
    await redis.xadd(`${prefix}audit`, '*', ...copy[1]);
    expect(await log.verify()).toMatchObject({ ok: false, firstBadIndex: 4 });
  });

  it('detects a deleted entry (XDEL) at the position of the gap', async () => {
    const log = await seed(6);
    const all6 = await rows();
    expect(await redis.xdel(`${prefix}audit`, all6[2]![0])).toBe(1);
    const result = await log.verify();
    expect(result).toMatchObject({ ok: false, entries: 2, firstBadIndex: 2 });
    expect(result.problem).toMatch(/seq 4, expected 3/);
  });

  it('detects a deleted last entry through the chain head', async () => {
    const log = await seed(3);
    const last = (await rows()).at(-1)!;
    await redis.xdel(`${prefix}audit`, last[0]);
    expect(await log.verify()).toMatchObject({ ok: false, entries: 2, firstBadIndex: 2 });
  });

  it('detects two entries swapped', async () => {
    const log = await seed(5);
    await rewrite((rs) => {
      const out = [...rs];
      // Keep stream ids increasing but swap the contents of positions 1 and 2.
      out[1] = [rs[1]![0], rs[2]![1]];
      out[2] = [rs[2]![0], rs[1]![1]];
      return out;
    });
    expect(await log.verify()).toMatchObject({ ok: false, firstBadIndex: 1 });
  });

  it('detects an edit that re-hashes the entry but cannot re-link the next one', async () => {
    const log = await seed(4);
    await rewrite((rs) =>
      rs.map((r, i) => {
        if (i !== 1) return r;
        const row = setEntry(r, (e) => {
          e.outcome = 'approved';
          e.actor = 'U0MALLORY';
          e.hash = sha256Hex(hashInput(e as unknown as AuditEntry));
        });
        const fields = [...row[1]];
        fields[fields.indexOf('hash') + 1] = (JSON.parse(fields[fields.indexOf('entry') + 1]!) as AuditEntry).hash;
        return [row[0], fields];
      }),
    );
    expect(await log.verify()).toMatchObject({ ok: false, firstBadIndex: 2 });
  });

  // The stream carries indexed copies of seq and hash next to the entry JSON; verify must hold them
  // to the entry they describe, or a reader trusting the indexed fields could be misled.
  it.each([
    { name: 'seq field one ahead', field: 'seq', value: (e: AuditEntry) => String(e.seq + 1) },
    { name: 'seq field of an earlier entry', field: 'seq', value: () => '1' },
    { name: 'seq field empty', field: 'seq', value: () => '' },
    { name: 'hash field of the entry before', field: 'hash', value: (e: AuditEntry) => e.prevHash },
    { name: 'hash field of another chain', field: 'hash', value: () => 'f'.repeat(64) },
    { name: 'hash field upper-cased', field: 'hash', value: (e: AuditEntry) => e.hash.toUpperCase() },
  ] as const)('detects a stream $field field that disagrees with its entry ($name)', async ({ field, value }) => {
    const log = await seed(5);
    await rewrite((rs) =>
      rs.map((r, i) => {
        if (i !== 2) return r;
        const fields = [...r[1]];
        const e = JSON.parse(fields[fields.indexOf('entry') + 1]!) as AuditEntry;
        fields[fields.indexOf(field) + 1] = value(e);
        return [r[0], fields];
      }),
    );
    // The entry JSON, the chain links and the head are untouched: only the stream field is wrong.
    expect((await all(log)).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(await log.verify()).toEqual({
      ok: false,
      entries: 2,
      firstBadIndex: 2,
      problem: 'entry 2 (seq 3) has stream fields that disagree with its content',
    });
  });

  it('keeps appending after the trail is read back', async () => {
    const log = await seed(2);
    const next = await newLog().append(entry(3));
    expect(next.seq).toBe(3);
    expect(await log.verify()).toEqual({ ok: true, entries: 3 });
  });

  it('verifies a trail written before entries had subjects, and appends after it', async () => {
    freshPrefix();
    const rows = oldTrailRows();
    await loadTrail(redis, prefix, rows);
    const log = newLog();
    expect(await log.verify()).toEqual({ ok: true, entries: rows.length });
    expect(await log.head()).toEqual({ seq: rows.length, hash: rows.at(-1)!.hash });
    const next = await log.append({ ...entry(1), actorName: 'Alice M.', subject: { namespace: 'demo', fingerprint: 'fp' } });
    expect(next).toMatchObject({ seq: rows.length + 1, prevHash: rows.at(-1)!.hash });
    expect(await log.verify()).toEqual({ ok: true, entries: rows.length + 1 });
  });

  it('passes a consistent rewrite of the whole chain, unless a checkpoint taken before it is given', async () => {
    const log = await seed(6);
    const witnessed = await log.head();
    expect(witnessed.seq).toBe(6);
    expect(await log.verify({ checkpoints: [witnessed] })).toMatchObject({ ok: true, entries: 6, checkpoints: [{ ok: true }] });

    // Someone with write access to Redis turns every rejection into an approval and re-hashes it all.
    await rewriteChain(redis, prefix, (e) => ({ ...e, outcome: 'approved' }));
    expect(await log.verify()).toEqual({ ok: true, entries: 6 });
    expect(await log.verify({ checkpoints: [witnessed] })).toMatchObject({
      ok: false, entries: 6, checkpoints: [{ ok: false, problem: 'hash_mismatch', checkpoint: witnessed }],
    });

    // Cutting the chain back below the checkpoint is caught too.
    await rewriteChain(redis, prefix, (e) => (e.seq > 3 ? undefined : e));
    expect(await log.verify()).toEqual({ ok: true, entries: 3 });
    expect(await log.verify({ checkpoints: [witnessed, { seq: 2, hash: 'f'.repeat(64) }] })).toMatchObject({
      ok: false, checkpoints: [{ ok: false, problem: 'seq_missing' }, { ok: false, problem: 'hash_mismatch' }],
    });
  });

  it('passes while the bot keeps appending during the read, and still notices a tail removed meanwhile', async () => {
    const log = await seed(4);
    // A client whose stream reads let another append land right after them, as a running bot would.
    const racing = (afterRead: () => Promise<unknown>, times: number): Redis => {
      let left = times;
      return new Proxy(redis, {
        get(target, key, receiver) {
          const value = Reflect.get(target, key, receiver) as unknown;
          if (key !== 'xrange' || typeof value !== 'function') return typeof value === 'function' ? value.bind(target) : value;
          return async (...args: unknown[]) => {
            const out = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
            if (left-- > 0) await afterRead();
            return out;
          };
        },
      });
    };
    const appendOne = () => log.append(entry(99));
    expect(await newLog(racing(appendOne, 3)).verify()).toEqual({ ok: true, entries: 7 });

    // An append that lands while the tail is being cut still cannot hide the cut.
    const cutTail = async () => {
      const all = await rows();
      await redis.xdel(`${prefix}audit`, all[all.length - 1]![0]);
    };
    const result = await newLog(racing(async () => { await appendOne(); await cutTail(); }, 1)).verify();
    expect(result).toMatchObject({ ok: false });
    expect(result.problem).toMatch(/removed from the end/);
  });

  it('pages through long trails on export and verify', async () => {
    freshPrefix();
    const log = newLog();
    // More than one XRANGE page (500).
    const pipeline = [];
    for (let i = 1; i <= 520; i++) pipeline.push(log.append(entry(i)));
    await Promise.all(pipeline);
    expect((await all(log)).map((e) => e.seq)).toEqual(Array.from({ length: 520 }, (_, i) => i + 1));
    expect(await log.verify()).toEqual({ ok: true, entries: 520 });
  });
});
