// The audit trail's failures are counted by the action they would have recorded, against the real
// audit log: an append that Redis refuses (its connection gone) counts and still throws; every
// other method of the log keeps working through the wrapper.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { createMetrics } from '../../src/adapters/http/metrics.ts';
import { RedisAuditLog } from '../../src/adapters/redis/audit-log.ts';
import { connectRedis } from '../../src/adapters/redis/connection.ts';
import { countAuditFailures } from '../../src/app/count-audit-failures.ts';
import { deleteKeysUnder, SHARED_REDIS_URL, uniquePrefix } from '../support/redis-keys.ts';

const prefix = uniquePrefix('audit-failures');
let redis: Redis;
let cleanup: Redis;

beforeAll(async () => {
  redis = await connectRedis(SHARED_REDIS_URL, 'store');
  cleanup = await connectRedis(SHARED_REDIS_URL, 'store');
});
afterAll(async () => {
  await deleteKeysUnder(cleanup, prefix);
  await cleanup.quit();
});

const counted = (text: string, action: string): number =>
  Number(new RegExp(`^kube_ai_sre_audit_append_failures_total\\{action="${action}"\\} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);

describe('countAuditFailures', () => {
  it('passes appends and reads through, counts only the appends that fail, and still throws', async () => {
    const metrics = createMetrics();
    const audit = countAuditFailures(new RedisAuditLog(redis, prefix), metrics.auditAppendFailuresTotal);
    const entry = await audit.append({ actor: 'U0SREALICE', action: 'decision', incidentId: 'oom-1', outcome: 'approved' });
    expect(entry.seq).toBe(1);
    expect((await audit.latest(5)).map((e) => e.seq)).toEqual([1]);
    expect((await audit.verify()).ok).toBe(true);
    expect(counted(await metrics.scrape(), 'decision')).toBe(0);

    redis.disconnect();
    await expect(audit.append({ actor: 'system', action: 'incident_resolved', incidentId: 'oom-1', outcome: 'resolved' })).rejects.toThrow();
    await expect(audit.append({ actor: 'U0SREALICE', action: 'decision', incidentId: 'oom-2', outcome: 'approved' })).rejects.toThrow();
    const text = await metrics.scrape();
    expect(counted(text, 'incident_resolved')).toBe(1);
    expect(counted(text, 'decision')).toBe(1);
  });
});
