import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { connectRedis } from '../../../src/adapters/redis/connection.ts';
import { createIncidentHistoryIndex } from '../../../src/adapters/redis/incident-history-index.ts';
import { createIncidentRecords } from '../../../src/adapters/redis/incident-records.ts';
import type { IncidentReport } from '../../../src/core/model.ts';
import type { IncidentHistoryIndex, IncidentRecords } from '../../../src/ports.ts';
import { freshIncident as fresh } from '../../support/fresh-incident.ts';
import { deleteKeysUnder, SHARED_REDIS_URL, uniquePrefix } from '../../support/redis-keys.ts';

const prefix = uniquePrefix('incident-history');
const RETENTION_DAYS = 7;
const clients: Redis[] = [];
let records: IncidentRecords;
// Indexes read on their own connections, as another replica would.
let replicas: IncidentHistoryIndex[] = [];
let admin: Redis;

beforeAll(async () => {
  for (let i = 0; i < 3; i++) clients.push(await connectRedis(SHARED_REDIS_URL, 'store'));
  admin = clients[0]!;
  records = createIncidentRecords({ redis: admin, prefix, retentionDays: RETENTION_DAYS, historyCap: 5 });
  replicas = clients.map((redis) => createIncidentHistoryIndex({ redis, prefix }));
});

afterAll(async () => {
  await deleteKeysUnder(admin, prefix);
  await Promise.all(clients.map((c) => c.quit()));
});

function index(i = 0): IncidentHistoryIndex {
  return replicas[i % replicas.length]!;
}

async function created(report: IncidentReport, into: IncidentRecords = records): Promise<IncidentReport> {
  const result = await into.claim(report.fingerprint, report);
  expect(result.created).toBe(true);
  return result.report;
}

describe('history', () => {
  it('caps history indexes and forgets expired incidents', async () => {
    const first = fresh();
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      const r = { ...first, id: `${first.id}-h${i}`, firstSeen: `2025-03-0${i + 1}T09:00:00Z`, lastSeen: `2025-03-0${i + 1}T09:30:00Z` };
      await created(r);
      await records.resolve(r.id, `2025-03-0${i + 1}T10:00:00Z`);
      ids.push(r.id);
    }
    expect(await admin.zcard(`${prefix}hist:fp:${first.fingerprint}`)).toBe(5);
    await admin.del(`${prefix}incident:${ids[6]}`); // as if it had expired
    const history = await index().history({ fingerprint: first.fingerprint }, 3);
    expect(history.count).toBe(4);
    expect(history.incidents.map((i) => i.id)).toEqual([ids[5], ids[4], ids[3]]);
    expect(await admin.zcard(`${prefix}hist:fp:${first.fingerprint}`)).toBe(4);
  });

  it('summarises a workload history: count, first and last seen, limits and decisions', async () => {
    const workload = { kind: 'StatefulSet', name: 'ledger' };
    const a = fresh({ workload, firstSeen: '2025-02-01T08:00:00Z', lastSeen: '2025-02-01T09:00:00Z', occurrences: 3 });
    await created(a);
    await records.decide(a.id, { action: 'reject', userId: 'U0SREBOB', at: '2025-02-01T09:05:00Z', reason: 'app bug' });
    await records.resolve(a.id, '2025-02-02T00:00:00Z');
    const b = fresh({
      workload,
      fingerprint: a.fingerprint,
      firstSeen: '2025-03-01T08:00:00Z',
      lastSeen: '2025-03-01T10:00:00Z',
      detection: { ...a.detection, memoryLimit: '256Mi' },
    });
    await created(b);

    const history = await index(2).history({ namespace: 'demo', workload }, 10);
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
    expect((await records.get(b.id))?.previousIncidentIds).toEqual([a.id]);
  });
});

describe('listRecent', () => {
  const recentPrefix = `${prefix}recent:`;
  let recentRecords: IncidentRecords;
  let recent: IncidentHistoryIndex;
  beforeAll(() => {
    recentRecords = createIncidentRecords({ redis: admin, prefix: recentPrefix, retentionDays: RETENTION_DAYS, recentCap: 4 });
    recent = createIncidentHistoryIndex({ redis: admin, prefix: recentPrefix });
  });
  const at = (day: number) => `2025-03-0${day}T09:00:00Z`;

  it('lists open and closed incidents newest first, capped, and forgets expired ones', async () => {
    const reports = [];
    for (const day of [2, 1, 3]) {
      const r = fresh({ firstSeen: at(day), lastSeen: at(day) });
      await created(r, recentRecords);
      reports.push(r);
    }
    const [second, first, third] = reports as [IncidentReport, IncidentReport, IncidentReport];
    expect((await recentRecords.decide(first.id, { action: 'approve', userId: 'U0SREALICE', at: '2025-03-04T09:20:00Z' })).ok).toBe(true);
    expect((await recentRecords.resolve(second.id, at(4))).ok).toBe(true);

    const listed = await recent.listRecent(10);
    expect(listed.map((r) => r.id)).toEqual([third.id, second.id, first.id]);
    expect(listed.map((r) => r.status)).toEqual(['open', 'resolved', 'approved']);
    expect((await recent.listRecent(2)).map((r) => r.id)).toEqual([third.id, second.id]);
    expect(await recent.listRecent(0)).toEqual([]);

    // The index keeps the newest `recentCap` incidents.
    for (const day of [5, 6]) {
      const r = fresh({ firstSeen: at(day), lastSeen: at(day) });
      await recentRecords.claim(r.fingerprint, r);
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
