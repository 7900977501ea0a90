import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { connectRedis } from '../../../src/adapters/redis/connection.ts';
import { createIncidentRecords } from '../../../src/adapters/redis/incident-records.ts';
import { isAppError } from '../../../src/core/errors.ts';
import { transition } from '../../../src/core/incident/state.ts';
import type { Decision, IncidentReport } from '../../../src/core/model.ts';
import type { IncidentRecords } from '../../../src/ports.ts';
import { freshIncident as fresh } from '../../support/fresh-incident.ts';
import { deleteKeysUnder, SHARED_REDIS_URL, uniquePrefix } from '../../support/redis-keys.ts';

const prefix = uniquePrefix('incident-records');
const clients: Redis[] = [];
let replicas: IncidentRecords[] = [];
let admin: Redis;

// Several stores on separate connections behave like separate replicas.
beforeAll(async () => {
  for (let i = 0; i < 4; i++) clients.push(await connectRedis(SHARED_REDIS_URL, 'store'));
  admin = clients[0]!;
  replicas = clients.map((redis) => createIncidentRecords({ redis, prefix, retentionDays: 7, historyCap: 5 }));
});

afterAll(async () => {
  await deleteKeysUnder(admin, prefix);
  await Promise.all(clients.map((c) => c.quit()));
});

function store(i = 0): IncidentRecords {
  return replicas[i % replicas.length]!;
}

async function created(report: IncidentReport): Promise<IncidentReport> {
  const result = await store().claim(report.fingerprint, report);
  expect(result.created).toBe(true);
  return result.report;
}

const approval = (userId: string, at = '2025-03-04T09:20:00Z'): Decision => ({ action: 'approve', userId, at });

describe('claim', () => {
  beforeAll(async () => {
    const taken = fresh({ id: 'inc-taken' });
    await store().claim(taken.fingerprint, taken);
  });

  it('creates one incident when replicas claim the same fingerprint at once', async () => {
    const base = fresh();
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => store(i).claim(base.fingerprint, { ...base, id: `${base.id}-candidate-${i}` })),
    );
    const winners = results.filter((r) => r.created);
    expect(winners).toHaveLength(1);
    const id = winners[0]!.report.id;
    for (const r of results) expect(r.report.id).toBe(id);
    expect((await store().findOpenByFingerprint(base.fingerprint))?.id).toBe(id);
    const others = results.filter((r) => !r.created).map((r) => r.report.id);
    for (const loser of others) expect(loser).toBe(id);
  });

  it('opens a new incident linked to the old one after resolution', async () => {
    const first = await created(fresh());
    expect((await store().resolve(first.id, '2025-03-04T12:00:00Z')).ok).toBe(true);
    expect(await store().findOpenByFingerprint(first.fingerprint)).toBeUndefined();

    const again = await store(1).claim(first.fingerprint, { ...first, id: `${first.id}-2`, status: 'open', resolvedAt: undefined });
    expect(again.created).toBe(true);
    expect(again.report.previousIncidentIds).toEqual([first.id]);
    expect((await store().findOpenByFingerprint(first.fingerprint))?.id).toBe(`${first.id}-2`);
  });

  it.each([
    ['a report for another fingerprint', (r: IncidentReport) => ['other/fp', r] as const],
    ['a report that is not open', (r: IncidentReport) => [r.fingerprint, { ...r, status: 'approved' as const }] as const],
    ['an invalid report', (r: IncidentReport) => [r.fingerprint, { ...r, occurrences: 0 }] as const],
    ['an id already used for another fingerprint', (r: IncidentReport) => [`${r.fingerprint}-x`, { ...r, fingerprint: `${r.fingerprint}-x`, id: 'inc-taken' }] as const],
  ])('refuses %s', async (_name, make) => {
    const [fp, report] = make(fresh());
    await expect(store().claim(fp, report)).rejects.toMatchObject({ code: 'input_invalid' });
  });
});

describe('decide', () => {
  it('records exactly one decision out of 20 concurrent clicks, refusing the rest with who decided', async () => {
    const report = await created(fresh());
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        store(i).decide(report.id, {
          action: i % 2 === 0 ? 'approve' : 'reject',
          userId: `U0CLICKER${i}`,
          at: `2025-03-04T09:20:${String(i).padStart(2, '0')}Z`,
        }),
      ),
    );
    const wins = results.filter((r) => r.ok);
    const refusals = results.filter((r) => !r.ok);
    expect(wins).toHaveLength(1);
    expect(refusals).toHaveLength(19);
    const winner = wins[0]!.ok ? wins[0]!.report.decision! : undefined;
    expect(winner).toBeDefined();
    for (const r of refusals) {
      expect(r).toMatchObject({ ok: false, code: 'transition_refused' });
      if (!r.ok && r.code === 'transition_refused') {
        expect(r.reason).toContain(winner!.userId);
        expect(r.reason).toContain(winner!.at);
        expect(r.report.decision).toEqual(winner);
      }
    }
    const stored = await store(3).getVersioned(report.id);
    expect(stored?.report.decision).toEqual(winner);
    expect(stored?.report.status).toBe(winner!.action === 'approve' ? 'approved' : 'rejected');
    expect(stored?.version).toBe(2);
  });

  it('refuses a replay of the same decision', async () => {
    const report = await created(fresh());
    const decision = approval('U0SREALICE');
    expect(await store().decide(report.id, decision)).toMatchObject({ ok: true, report: { status: 'approved' } });
    const replay = await store(1).decide(report.id, decision);
    expect(replay).toMatchObject({ ok: false, code: 'transition_refused' });
    if (!replay.ok) expect(replay.reason).toContain('already approved by U0SREALICE');
  });

  it('reports an unknown incident as not found', async () => {
    expect(await store().decide('inc-missing', approval('U0SREALICE'))).toMatchObject({ ok: false, code: 'incident_not_found' });
  });

  it('refuses decisions on a resolved incident', async () => {
    const report = await created(fresh());
    await store().resolve(report.id, '2025-03-04T12:00:00Z');
    const result = await store().decide(report.id, approval('U0SREALICE'));
    expect(result).toMatchObject({ ok: false, code: 'transition_refused', report: { status: 'resolved' } });
  });
});

describe('save and update', () => {
  it('refuses a write based on a stale version', async () => {
    const report = await created(fresh());
    const v1 = await store().getVersioned(report.id);
    expect(await store().save({ ...report, lastSeen: '2025-03-04T09:30:00Z' }, v1!.version)).toMatchObject({ ok: true, version: 2 });
    expect(await store(1).save({ ...report, lastSeen: '2025-03-04T09:31:00Z' }, v1!.version)).toMatchObject({
      ok: false,
      code: 'store_conflict',
    });
    expect((await store().get(report.id))?.lastSeen).toBe('2025-03-04T09:30:00Z');
  });

  it('never lets a stale unversioned save undo a decision', async () => {
    const report = await created(fresh());
    await store().decide(report.id, approval('U0SREALICE'));
    const stale = { ...report, diagnosis: { ...report.diagnosis, explanation: 're-analysed' } };
    expect(await store(1).save(stale)).toMatchObject({ ok: false, code: 'store_conflict' });
    expect((await store().get(report.id))?.decision?.userId).toBe('U0SREALICE');
  });

  it('loses no update when replicas update concurrently', async () => {
    const report = await created(fresh());
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        store(i).update(report.id, (current) => {
          const next = transition(current, { type: 'recur', at: `2025-03-04T10:00:${String(i).padStart(2, '0')}Z` });
          return next.ok ? next.report : undefined;
        }),
      ),
    );
    const stored = await store().get(report.id);
    expect(stored?.occurrences).toBe(11);
    expect(stored?.lastSeen).toBe('2025-03-04T10:00:09Z');
  });

  it('refuses to move an incident to another fingerprint', async () => {
    const report = await created(fresh());
    await expect(store().save({ ...report, fingerprint: 'elsewhere' })).rejects.toMatchObject({ code: 'input_invalid' });
  });

  it('reports saving an unknown incident', async () => {
    expect(await store().save(fresh())).toMatchObject({ ok: false, code: 'incident_not_found' });
    expect(await store().update('inc-nope', (r) => r)).toBeUndefined();
  });
});

describe('listOpen', () => {
  it('lists active incidents only', async () => {
    const open = await created(fresh());
    const decided = await created(fresh());
    const gone = await created(fresh());
    await store().decide(decided.id, approval('U0SREALICE'));
    await store().resolve(gone.id, '2025-03-04T12:00:00Z');
    const ids = (await store(1).listOpen()).map((r) => r.id);
    expect(ids).toContain(open.id);
    expect(ids).toContain(decided.id);
    expect(ids).not.toContain(gone.id);
  });
});

describe('listOpenIn', () => {
  const inNs = (ns: string) => { const r = fresh(); return { ...r, detection: { ...r.detection, namespace: ns } }; };

  it('lists the active incidents of one namespace, not those of others nor resolved ones', async () => {
    const ns = `shop-${Date.now().toString(36)}`;
    const mine = await created(inNs(ns));
    const decided = await created(inNs(ns));
    const gone = await created(inNs(ns));
    const other = await created(inNs(`${ns}-b`));
    await store().decide(decided.id, approval('U0SREALICE'));
    await store().resolve(gone.id, '2025-03-04T12:00:00Z');
    expect((await store(1).listOpenIn(ns)).map((r) => r.id).sort()).toEqual([mine.id, decided.id].sort());
    expect((await store(2).listOpenIn(`${ns}-b`)).map((r) => r.id)).toEqual([other.id]);
    expect(await store(3).listOpenIn(`${ns}-none`)).toEqual([]);
  });

  it('finds incidents stored before the namespace index existed, once per Redis', async () => {
    const own = uniquePrefix('incident-records-legacy');
    const writer = createIncidentRecords({ redis: admin, prefix: own, retentionDays: 7 });
    const first = inNs('legacy');
    const second = inNs('legacy');
    const old = await writer.claim(first.fingerprint, first);
    const resolvedBefore = await writer.claim(second.fingerprint, second);
    await writer.resolve(resolvedBefore.report.id, '2025-03-04T12:00:00Z');
    // What an earlier version left: the global index only.
    await admin.del(`${own}active:ns:legacy`, `${own}active:ns-indexed`);
    try {
      const reader = createIncidentRecords({ redis: clients[1]!, prefix: own, retentionDays: 7 });
      expect((await reader.listOpenIn('legacy')).map((r) => r.id)).toEqual([old.report.id]);
      expect(await admin.exists(`${own}active:ns-indexed`)).toBe(1);
    } finally {
      await deleteKeysUnder(admin, own);
    }
  });

  it('puts an incident the index missed (written by an earlier version during an upgrade) into it at its next write', async () => {
    const ns = `late-${Date.now().toString(36)}`;
    await store().listOpenIn(ns); // the one-time fill has run
    const late = await created(inNs(ns));
    await admin.zrem(`${prefix}active:ns:${ns}`, late.id);
    expect(await store().listOpenIn(ns)).toEqual([]);
    await store().update(late.id, (cur) => ({ ...cur, occurrences: cur.occurrences + 1 }));
    expect((await store().listOpenIn(ns)).map((r) => r.id)).toEqual([late.id]);
  });

  it('drops ids it finds resolved or expired from the namespace index', async () => {
    const ns = `stale-${Date.now().toString(36)}`;
    const open = await created(inNs(ns));
    const expired = await created(inNs(ns));
    await admin.del(`${prefix}incident:${expired.id}`);
    // A resolution by an earlier version, which did not know the namespace index.
    const resolvedElsewhere = await created(inNs(ns));
    await admin.hset(`${prefix}incident:${resolvedElsewhere.id}`, 'json', JSON.stringify({ ...resolvedElsewhere, status: 'resolved', resolvedAt: '2025-03-04T12:00:00Z' }));
    expect((await store().listOpenIn(ns)).map((r) => r.id)).toEqual([open.id]);
    expect(await admin.zrange(`${prefix}active:ns:${ns}`, '0', '-1')).toEqual([open.id]);
  });
});

describe('corrupt data', () => {
  it.each([
    ['invalid JSON', '{"id": "inc-x", ', 'not valid JSON'],
    ['JSON that is not a report', JSON.stringify({ id: 'inc-x', status: 'pending' }), 'not a valid report'],
  ])('turns %s into store_corrupt naming the incident', async (_name, json, words) => {
    const report = await created(fresh());
    await admin.hset(`${prefix}incident:${report.id}`, 'json', json);
    const err = await store().get(report.id).catch((e: unknown) => e);
    expect(isAppError(err, 'store_corrupt')).toBe(true);
    expect((err as Error).message).toContain(report.id);
    expect((err as Error).message).toContain(words);
    // Lists skip it instead of failing; decisions on it fail clearly.
    expect((await store().listOpen()).map((r) => r.id)).not.toContain(report.id);
    await expect(store().decide(report.id, approval('U0SREALICE'))).rejects.toMatchObject({ code: 'store_corrupt' });
  });
});
