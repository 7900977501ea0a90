import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { connectRedis } from '../../../src/adapters/redis/connection.ts';
import { createIncidentStore } from '../../../src/adapters/redis/incident-store.ts';
import { isAppError } from '../../../src/core/errors.ts';
import { transition } from '../../../src/core/incident/state.ts';
import type { Decision, IncidentReport } from '../../../src/core/model.ts';
import type { IncidentStore } from '../../../src/ports.ts';
import { incidentReport } from '../../fixtures/incidents/report.ts';
import { deleteKeysUnder, SHARED_REDIS_URL, uniquePrefix } from '../../support/redis-keys.ts';

const prefix = uniquePrefix('incident-store');
const RETENTION_DAYS = 7;
const clients: Redis[] = [];
let stores: IncidentStore[] = [];
let admin: Redis;
let seq = 0;

// Several stores on separate connections behave like separate replicas.
beforeAll(async () => {
  for (let i = 0; i < 4; i++) clients.push(await connectRedis(SHARED_REDIS_URL, 'store'));
  admin = clients[0]!;
  stores = clients.map((redis) => createIncidentStore({ redis, prefix, retentionDays: RETENTION_DAYS, historyCap: 5 }));
});

afterAll(async () => {
  await deleteKeysUnder(admin, prefix);
  await Promise.all(clients.map((c) => c.quit()));
});

function store(i = 0): IncidentStore {
  return stores[i % stores.length]!;
}

/** A fresh report with its own fingerprint, so tests do not see each other's incidents. */
function fresh(overrides: Partial<IncidentReport> = {}): IncidentReport {
  seq += 1;
  const base = incidentReport();
  return incidentReport({
    id: `inc-${seq}-${Math.random().toString(36).slice(2, 8)}`,
    fingerprint: `demo/Deployment/checkout-${seq}/app/OOMKilled`,
    workload: { kind: 'Deployment', name: `checkout-${seq}` },
    detection: { ...base.detection, pod: `checkout-${seq}-6d8f7b9c5-x2klp` },
    ...overrides,
  });
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

describe('retention', () => {
  it('expires every key of an incident within the retention period', async () => {
    const report = await created(fresh());
    await store().setSlackRef(report.id, { channel: 'C0INCIDENTS', ts: '1741079111.000200' });
    await store().appendTurn(report.id, { role: 'user', content: 'why?' }, 10);
    await store().resolve(report.id, '2025-03-04T12:00:00Z');
    const max = RETENTION_DAYS * 86_400;
    const keys = [
      `${prefix}incident:${report.id}`,
      `${prefix}thread:C0INCIDENTS:1741079111.000200`,
      `${prefix}turns:${report.id}`,
      `${prefix}hist:fp:${report.fingerprint}`,
      `${prefix}hist:wl:demo/Deployment/${report.workload.name}`,
    ];
    for (const key of keys) {
      const ttl = await admin.ttl(key);
      expect(ttl, key).toBeGreaterThan(0);
      expect(ttl, key).toBeLessThanOrEqual(max);
    }
    expect(await admin.exists(`${prefix}fp:${report.fingerprint}`)).toBe(0);
    expect(await admin.zscore(`${prefix}active`, report.id)).toBeNull();
  });

  it('caps history indexes and forgets expired incidents', async () => {
    const first = fresh();
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      const r = { ...first, id: `${first.id}-h${i}`, firstSeen: `2025-03-0${i + 1}T09:00:00Z`, lastSeen: `2025-03-0${i + 1}T09:30:00Z` };
      await created(r);
      await store().resolve(r.id, `2025-03-0${i + 1}T10:00:00Z`);
      ids.push(r.id);
    }
    expect(await admin.zcard(`${prefix}hist:fp:${first.fingerprint}`)).toBe(5);
    await admin.del(`${prefix}incident:${ids[6]}`); // as if it had expired
    const history = await store().history({ fingerprint: first.fingerprint }, 3);
    expect(history.count).toBe(4);
    expect(history.incidents.map((i) => i.id)).toEqual([ids[5], ids[4], ids[3]]);
    expect(await admin.zcard(`${prefix}hist:fp:${first.fingerprint}`)).toBe(4);
  });
});

describe('queries', () => {
  it('summarises a workload history: count, first and last seen, limits and decisions', async () => {
    const workload = { kind: 'StatefulSet', name: `ledger-${seq}` };
    const a = fresh({ workload, firstSeen: '2025-02-01T08:00:00Z', lastSeen: '2025-02-01T09:00:00Z', occurrences: 3 });
    await created(a);
    await store().decide(a.id, { action: 'reject', userId: 'U0SREBOB', at: '2025-02-01T09:05:00Z', reason: 'app bug' });
    await store().resolve(a.id, '2025-02-02T00:00:00Z');
    const b = fresh({
      workload,
      fingerprint: a.fingerprint,
      firstSeen: '2025-03-01T08:00:00Z',
      lastSeen: '2025-03-01T10:00:00Z',
      detection: { ...a.detection, memoryLimit: '256Mi' },
    });
    await created(b);

    const history = await store(2).history({ namespace: 'demo', workload }, 10);
    expect(history).toMatchObject({
      count: 2,
      firstSeen: '2025-02-01T08:00:00Z',
      lastSeen: '2025-03-01T10:00:00Z',
      totalOccurrences: 4,
    });
    expect(history.incidents).toMatchObject([
      { id: b.id, status: 'open', memoryLimit: '256Mi', recommendedLimit: '256Mi' },
      { id: a.id, status: 'resolved', memoryLimit: '128Mi', decision: { action: 'reject', userId: 'U0SREBOB' } },
    ]);
    expect((await store().get(b.id))?.previousIncidentIds).toEqual([a.id]);
  });

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

  it('finds an incident by its Slack thread', async () => {
    const report = await created(fresh());
    const updated = await store().setSlackRef(report.id, { channel: 'C0INCIDENTS', ts: `1741079111.${seq}` });
    expect(updated?.slack).toEqual({ channel: 'C0INCIDENTS', ts: `1741079111.${seq}` });
    expect((await store(1).findByThread('C0INCIDENTS', `1741079111.${seq}`))?.id).toBe(report.id);
    expect(await store(1).findByThread('C0INCIDENTS', '1.2')).toBeUndefined();
    expect(await store().setSlackRef('inc-nope', { channel: 'C0', ts: '1.1' })).toBeUndefined();
  });

  it('keeps only the last turns of a thread, in order', async () => {
    const report = await created(fresh());
    for (let i = 1; i <= 5; i++) {
      await store(i).appendTurn(report.id, { role: i % 2 ? 'user' : 'assistant', content: `turn ${i}`, userId: 'U0SREALICE' }, 3);
    }
    expect((await store().turns(report.id)).map((t) => t.content)).toEqual(['turn 3', 'turn 4', 'turn 5']);
    expect(await store().turns('inc-nope')).toEqual([]);
  });

  it('reports a key as seen once', async () => {
    const key = `Ev0${seq}ABCDEF`;
    const firsts = await Promise.all(Array.from({ length: 5 }, (_, i) => store(i).seenOnce(key, 60)));
    expect(firsts.filter(Boolean)).toHaveLength(1);
    const ttl = await admin.ttl(`${prefix}seen:${key}`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60);
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

  it('skips a corrupt thread turn', async () => {
    const report = await created(fresh());
    await store().appendTurn(report.id, { role: 'user', content: 'first' }, 5);
    await admin.rpush(`${prefix}turns:${report.id}`, 'garbage');
    await store().appendTurn(report.id, { role: 'assistant', content: 'second' }, 5);
    expect((await store().turns(report.id)).map((t) => t.content)).toEqual(['first', 'second']);
  });
});

describe('listRecent', () => {
  const recentPrefix = `${prefix}recent:`;
  let recent: IncidentStore;
  beforeAll(() => {
    recent = createIncidentStore({ redis: admin, prefix: recentPrefix, retentionDays: RETENTION_DAYS, recentCap: 4 });
  });
  const at = (day: number) => `2025-03-0${day}T09:00:00Z`;

  it('lists open and closed incidents newest first, capped, and forgets expired ones', async () => {
    const reports = [];
    for (const day of [2, 1, 3]) {
      const r = fresh({ firstSeen: at(day), lastSeen: at(day) });
      expect((await recent.claim(r.fingerprint, r)).created).toBe(true);
      reports.push(r);
    }
    const [second, first, third] = reports as [IncidentReport, IncidentReport, IncidentReport];
    expect((await recent.decide(first.id, approval('U0SREALICE'))).ok).toBe(true);
    expect((await recent.resolve(second.id, at(4))).ok).toBe(true);

    const listed = await recent.listRecent(10);
    expect(listed.map((r) => r.id)).toEqual([third.id, second.id, first.id]);
    expect(listed.map((r) => r.status)).toEqual(['open', 'resolved', 'approved']);
    expect((await recent.listRecent(2)).map((r) => r.id)).toEqual([third.id, second.id]);
    expect(await recent.listRecent(0)).toEqual([]);

    // The index keeps the newest `recentCap` incidents.
    for (const day of [5, 6]) {
      const r = fresh({ firstSeen: at(day), lastSeen: at(day) });
      await recent.claim(r.fingerprint, r);
      reports.push(r);
    }
    expect((await recent.listRecent(10)).map((r) => r.id)).toEqual([reports[4]!.id, reports[3]!.id, third.id, second.id]);

    // An incident that expired drops out of the list and the index.
    await admin.del(`${recentPrefix}incident:${third.id}`);
    expect((await recent.listRecent(10)).map((r) => r.id)).toEqual([reports[4]!.id, reports[3]!.id, second.id]);
    expect(await admin.zscore(`${recentPrefix}recent`, third.id)).toBeNull();
    const ttl = await admin.ttl(`${recentPrefix}recent`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(RETENTION_DAYS * 86_400);
  });
});
