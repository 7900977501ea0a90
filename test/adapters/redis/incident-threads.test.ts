import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { connectRedis } from '../../../src/adapters/redis/connection.ts';
import { createIncidentRecords } from '../../../src/adapters/redis/incident-records.ts';
import { createIncidentThreads } from '../../../src/adapters/redis/incident-threads.ts';
import type { IncidentReport } from '../../../src/core/model.ts';
import type { IncidentRecords, IncidentThreads } from '../../../src/ports.ts';
import { freshIncident as fresh } from '../../support/fresh-incident.ts';
import { deleteKeysUnder, SHARED_REDIS_URL, uniquePrefix } from '../../support/redis-keys.ts';

const prefix = uniquePrefix('incident-threads');
const clients: Redis[] = [];
let records: IncidentRecords;
// Several stores on separate connections behave like separate replicas.
let replicas: IncidentThreads[] = [];
let admin: Redis;

beforeAll(async () => {
  for (let i = 0; i < 4; i++) clients.push(await connectRedis(SHARED_REDIS_URL, 'store'));
  admin = clients[0]!;
  records = createIncidentRecords({ redis: admin, prefix, retentionDays: 7 });
  replicas = clients.map((redis) =>
    createIncidentThreads({ redis, prefix, retentionDays: 7, incidents: createIncidentRecords({ redis, prefix, retentionDays: 7 }) }),
  );
});

afterAll(async () => {
  await deleteKeysUnder(admin, prefix);
  await Promise.all(clients.map((c) => c.quit()));
});

function threads(i = 0): IncidentThreads {
  return replicas[i % replicas.length]!;
}

async function created(report: IncidentReport): Promise<IncidentReport> {
  const result = await records.claim(report.fingerprint, report);
  expect(result.created).toBe(true);
  return result.report;
}

describe('Slack threads', () => {
  it('finds an incident by its Slack thread', async () => {
    const report = await created(fresh());
    const updated = await threads().setSlackRef(report.id, { channel: 'C0INCIDENTS', ts: '1741079111.000300' });
    expect(updated?.slack).toEqual({ channel: 'C0INCIDENTS', ts: '1741079111.000300' });
    expect((await records.get(report.id))?.slack).toEqual({ channel: 'C0INCIDENTS', ts: '1741079111.000300' });
    expect((await threads(1).findByThread('C0INCIDENTS', '1741079111.000300'))?.id).toBe(report.id);
    expect(await threads(1).findByThread('C0INCIDENTS', '1.2')).toBeUndefined();
    expect(await threads().setSlackRef('inc-nope', { channel: 'C0', ts: '1.1' })).toBeUndefined();
  });
});

describe('turns', () => {
  it('keeps only the last turns of a thread, in order', async () => {
    const report = await created(fresh());
    for (let i = 1; i <= 5; i++) {
      await threads(i).appendTurn(report.id, { role: i % 2 ? 'user' : 'assistant', content: `turn ${i}`, userId: 'U0SREALICE' }, 3);
    }
    expect((await threads().turns(report.id)).map((t) => t.content)).toEqual(['turn 3', 'turn 4', 'turn 5']);
    expect(await threads().turns('inc-nope')).toEqual([]);
  });

  it('skips a corrupt thread turn', async () => {
    const report = await created(fresh());
    await threads().appendTurn(report.id, { role: 'user', content: 'first' }, 5);
    await admin.rpush(`${prefix}turns:${report.id}`, 'garbage');
    await threads().appendTurn(report.id, { role: 'assistant', content: 'second' }, 5);
    expect((await threads().turns(report.id)).map((t) => t.content)).toEqual(['first', 'second']);
  });
});
