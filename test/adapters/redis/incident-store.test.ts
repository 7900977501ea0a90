// The parts of the store wired together: one prefix, one retention for every key an incident has.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { connectRedis } from '../../../src/adapters/redis/connection.ts';
import { createIncidentStore } from '../../../src/adapters/redis/incident-store.ts';
import type { IncidentStore } from '../../../src/ports.ts';
import { freshIncident as fresh } from '../../support/fresh-incident.ts';
import { deleteKeysUnder, SHARED_REDIS_URL, uniquePrefix } from '../../support/redis-keys.ts';

const prefix = uniquePrefix('incident-store');
const RETENTION_DAYS = 7;
let admin: Redis;
let store: IncidentStore;

beforeAll(async () => {
  admin = await connectRedis(SHARED_REDIS_URL, 'store');
  store = createIncidentStore({ redis: admin, prefix, retentionDays: RETENTION_DAYS, historyCap: 5 });
});

afterAll(async () => {
  await deleteKeysUnder(admin, prefix);
  await admin.quit();
});

describe('retention', () => {
  it('expires every key of an incident within the retention period', async () => {
    const report = fresh();
    expect((await store.claim(report.fingerprint, report)).created).toBe(true);
    await store.setSlackRef(report.id, { channel: 'C0INCIDENTS', ts: '1741079111.000200' });
    await store.appendTurn(report.id, { role: 'user', content: 'why?' }, 10);
    await store.resolve(report.id, '2025-03-04T12:00:00Z');
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

  it('finds through one part what another wrote', async () => {
    const report = fresh();
    await store.claim(report.fingerprint, report);
    await store.setSlackRef(report.id, { channel: 'C0INCIDENTS', ts: '1741079111.000400' });
    expect((await store.findByThread('C0INCIDENTS', '1741079111.000400'))?.slack?.ts).toBe('1741079111.000400');
    expect((await store.history({ fingerprint: report.fingerprint }, 5)).incidents.map((i) => i.id)).toEqual([report.id]);
    expect(await store.seenOnce(`post:${report.id}`, 30)).toBe(true);
    expect(await admin.exists(`${prefix}seen:post:${report.id}`)).toBe(1);
  });
});
