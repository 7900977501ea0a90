import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisAuditLog } from '../../src/adapters/redis/audit-log.ts';
import { connectRedis } from '../../src/adapters/redis/connection.ts';
import { createIncidentStore } from '../../src/adapters/redis/incident-store.ts';
import type { IncidentReport } from '../../src/core/model.ts';
import { silentLogger } from '../../src/logging.ts';
import type { IncidentStore } from '../../src/ports.ts';
import { precheckDecision } from '../../src/usecases/precheck-decision.ts';
import { incidentReport } from '../fixtures/incidents/report.ts';
import { deleteKeysUnder, SHARED_REDIS_URL, uniquePrefix } from '../support/redis-keys.ts';

const prefix = uniquePrefix('precheck');
let redis: Redis;
let store: IncidentStore;
let audit: RedisAuditLog;
let n = 0;

beforeAll(async () => {
  redis = await connectRedis(SHARED_REDIS_URL, 'store');
  store = createIncidentStore({ redis, prefix, retentionDays: 1 });
  audit = new RedisAuditLog(redis, prefix);
});

afterAll(async () => {
  await deleteKeysUnder(redis, prefix);
  await redis.quit();
});

async function seed(over: Partial<IncidentReport> = {}): Promise<IncidentReport> {
  n += 1;
  const r = incidentReport({ id: `inc-pre-${n}`, fingerprint: `fp-pre-${n}`, ...over });
  return (await store.claim(r.fingerprint, r)).report;
}

const deps = () => ({ store, audit, logger: silentLogger });

describe('precheckDecision', () => {
  it('lets an approver through and records nothing', async () => {
    const r = await seed();
    const before = (await audit.latest(1000)).length;
    expect(await precheckDecision(deps(), { incidentId: r.id, userId: 'U0SREBOB', action: 'reject' })).toMatchObject({ ok: true, report: { id: r.id } });
    expect((await audit.latest(1000)).length).toBe(before);
  });

  it.each([
    ['a non-approver', {}, 'U0DEVCAROL', 'not_approver', 'refused: not an approver', /only the approvers named by policy default/],
    ['a decided incident', { status: 'approved', decision: { action: 'approve', userId: 'U0SREALICE', at: '2025-03-04T09:20:00Z' } }, 'U0SREBOB', 'already_decided', 'refused: already approved', /already approved by <@U0SREALICE> at 2025-03-04T09:20:00Z/],
    ['a resolved incident', { status: 'resolved', resolvedAt: '2025-03-05T00:00:00Z' }, 'U0SREBOB', 'resolved', 'refused: incident resolved', /resolved at 2025-03-05T00:00:00Z/],
  ] as Array<[string, Partial<IncidentReport>, string, string, string, RegExp]>)('refuses %s and audits the refusal', async (_name, over, userId, refusal, outcome, message) => {
    const r = await seed();
    if (over.status) expect((await store.save({ ...r, ...over }, 1)).ok).toBe(true);
    const result = await precheckDecision(deps(), { incidentId: r.id, userId, userName: 'someone', action: 'reject' });
    expect(result).toMatchObject({ ok: false, refusal });
    expect(!result.ok && result.message).toMatch(message);
    const [entry] = await audit.latest(1);
    expect(entry).toMatchObject({
      actor: userId,
      actorName: 'someone',
      action: 'decision_refused',
      incidentId: r.id,
      subject: { namespace: r.detection.namespace, workload: r.workload, container: r.detection.container, fingerprint: r.fingerprint },
      outcome,
      verdict: { allowed: true, policyName: 'default' },
      details: { requested: 'reject', stage: 'before_reason_modal' },
    });
  });

  it('refuses an unknown incident', async () => {
    const result = await precheckDecision(deps(), { incidentId: 'inc-nope', userId: 'U0SREBOB', action: 'reject' });
    expect(result).toMatchObject({ ok: false, refusal: 'not_found' });
    expect((await audit.latest(1))[0]).toMatchObject({ incidentId: 'inc-nope', outcome: 'refused: incident not found' });
  });
});
