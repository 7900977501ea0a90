// `kube-ai-sre audit verify | export` as an operator runs them, against the real Redis.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { RedisAuditLog } from '../../src/adapters/redis/audit-log.ts';
import { connectRedis } from '../../src/adapters/redis/connection.ts';
import { deleteKeysUnder, SHARED_REDIS_URL, uniquePrefix } from '../support/redis-keys.ts';
import { runCli } from '../support/run-cli.ts';

describe('kube-ai-sre audit', () => {
  let redis: Redis;
  const prefix = uniquePrefix('cli-audit');
  const env = { REDIS_URL: SHARED_REDIS_URL, KEY_PREFIX: prefix };

  beforeAll(async () => {
    redis = await connectRedis(SHARED_REDIS_URL, 'store');
    const log = new RedisAuditLog(redis, prefix);
    await log.append({ actor: 'system', action: 'incident_posted', incidentId: 'oom-1', outcome: 'posted', verdict: { allowed: true, policyName: 'default' }, recommendation: { limit: '176Mi' } });
    await log.append({ actor: 'U0SREALICE', action: 'decision', incidentId: 'oom-1', outcome: 'approved' });
    await log.append({ actor: 'U0SREMALLORY', action: 'decision_refused', incidentId: 'oom-1', outcome: 'refused: not an approver' });
  });
  afterAll(async () => {
    await deleteKeysUnder(redis, prefix);
    redis.disconnect();
  });

  it('exports every entry as JSON lines, oldest first', async () => {
    const res = await runCli(['audit', 'export'], env);
    expect(res.code).toBe(0);
    const lines = res.stdout.trim().split('\n').map((l) => JSON.parse(l) as { seq: number; action: string; hash: string; prevHash: string });
    expect(lines.map((l) => [l.seq, l.action])).toEqual([[1, 'incident_posted'], [2, 'decision'], [3, 'decision_refused']]);
    expect(lines[1]!.prevHash).toBe(lines[0]!.hash);
  });

  it('verifies an intact chain (exit 0), then fails (exit 9) once an entry is altered', async () => {
    const ok = await runCli(['audit', 'verify'], env);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/intact/i);

    // Someone with Redis access turns the approval into a rejection, keeping the stream id.
    const [[id, fields]] = (await redis.xrange(`${prefix}audit`, '-', '+', 'COUNT', 2)).slice(1) as Array<[string, string[]]>;
    const i = fields.indexOf('entry') + 1;
    const edited = [...fields];
    edited[i] = edited[i]!.replace('"approved"', '"rejected"');
    const all = await redis.xrange(`${prefix}audit`, '-', '+');
    await redis.del(`${prefix}audit`);
    for (const [rowId, rowFields] of all) await redis.xadd(`${prefix}audit`, rowId, ...(rowId === id ? edited : rowFields));

    const broken = await runCli(['audit', 'verify'], env);
    expect(broken.code).toBe(9);
    expect(broken.stderr).toMatch(/entry|index|modified/i);
  });

  it('says how to use it and exits 2 on a wrong subcommand', async () => {
    const res = await runCli(['audit', 'frobnicate'], env);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/kube-ai-sre audit verify/);
  });

  it('exits 10 with one line when Redis is unreachable', async () => {
    const res = await runCli(['audit', 'verify'], { REDIS_URL: 'redis://127.0.0.1:1', KEY_PREFIX: prefix });
    expect(res.code).toBe(10);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
  });
});
