// Checkpoints against the real Redis (chain and locks) and a recording notifier.
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { RedisAuditLog } from '../../src/adapters/redis/audit-log.ts';
import { connectRedis } from '../../src/adapters/redis/connection.ts';
import { createOnceLocks } from '../../src/adapters/redis/once-locks.ts';
import { parseCheckpointText } from '../../src/core/audit/checkpoint.ts';
import { PolicySchema } from '../../src/core/policy/schema.ts';
import { silentLogger } from '../../src/logging.ts';
import type { ChatNotifier, Clock } from '../../src/ports.ts';
import { checkpointTickMs, mayRequestCheckpoint, periodicCheckpoint, requestCheckpoint, scheduleCheckpoints } from '../../src/usecases/audit-checkpoint.ts';
import { deleteKeysUnder, SHARED_REDIS_URL, uniquePrefix } from '../support/redis-keys.ts';

const policies = [PolicySchema.parse({
  apiVersion: 'kube-ai-sre/v1', kind: 'MemoryPolicy', metadata: { name: 'default' },
  spec: { namespaces: ['*'], maxMemoryLimit: '4Gi', maxIncreaseFactor: 4, approvers: ['U0SREALICE'], autoRemediation: false },
})];

function notifier(fail = false): ChatNotifier & { posts: Array<{ text: string; channel?: string }> } {
  const posts: Array<{ text: string; channel?: string }> = [];
  return {
    posts,
    postIncident: () => Promise.reject(new Error('not used')),
    updateIncident: () => Promise.reject(new Error('not used')),
    postText: async (text, o = {}) => {
      if (fail) throw Object.assign(new Error('Slack chat.postMessage failed: not_in_channel'), { details: { error: 'not_in_channel' } });
      posts.push({ text, ...(o.channel ? { channel: o.channel } : {}) });
      return { channel: o.channel ?? 'C0INCIDENTS', ts: `1741079000.00000${posts.length}` };
    },
  };
}

describe('audit checkpoints', () => {
  let redis: Redis;
  const prefixes: string[] = [];
  let now = Date.parse('2025-03-04T09:00:00Z');
  const clock: Clock = { now: () => new Date(now) };

  beforeAll(async () => {
    redis = await connectRedis(SHARED_REDIS_URL, 'store');
  });
  afterAll(async () => {
    for (const p of prefixes) await deleteKeysUnder(redis, p);
    redis.disconnect();
  });

  function fresh() {
    const prefix = uniquePrefix('checkpoint');
    prefixes.push(prefix);
    return { audit: new RedisAuditLog(redis, prefix, clock), locks: createOnceLocks({ redis, prefix }) };
  }

  it('lets approvers of any policy ask for one', () => {
    expect(mayRequestCheckpoint(policies, 'U0SREALICE')).toBe(true);
    expect(mayRequestCheckpoint(policies, 'U0SREMALLORY')).toBe(false);
  });

  it('audits the request, then posts the head that includes it to the audit channel', async () => {
    const { audit, locks } = fresh();
    await audit.append({ actor: 'system', action: 'incident_posted', outcome: 'posted' });
    const chat = notifier();
    const out = await requestCheckpoint(
      { audit, notifier: chat, channel: 'C0AUDIT', clock, logger: silentLogger, cluster: 'prod-eu', policies, locks },
      { userId: 'U0SREALICE', userName: 'Alice M.', channel: 'C0INCIDENTS' },
    );
    expect(out.ok).toBe(true);
    const head = await audit.head();
    expect(head.seq).toBe(2);
    expect((await audit.latest(1))[0]).toMatchObject({ action: 'audit_checkpoint', actor: 'U0SREALICE', actorName: 'Alice M.', outcome: 'requested' });
    expect(chat.posts).toHaveLength(1);
    expect(chat.posts[0]!.channel).toBe('C0AUDIT');
    expect(parseCheckpointText(chat.posts[0]!.text)).toMatchObject(head);
    expect(chat.posts[0]!.text).toContain('Audit checkpoint of prod-eu');
    // That head is witnessed: the schedule does not post it again.
    now += 86_400_000;
    expect(await periodicCheckpoint({ audit, notifier: chat, clock, logger: silentLogger }, { everyMinutes: 1440, locks })).toBe('unchanged');
  });

  it('audits a refusal and posts nothing', async () => {
    const { audit, locks } = fresh();
    const chat = notifier();
    const out = await requestCheckpoint({ audit, notifier: chat, clock, logger: silentLogger, policies, locks }, { userId: 'U0SREMALLORY' });
    expect(out).toMatchObject({ ok: false, refusal: 'not_approver' });
    expect(chat.posts).toHaveLength(0);
    expect((await audit.latest(1))[0]).toMatchObject({ action: 'audit_checkpoint', actor: 'U0SREMALLORY', outcome: 'refused: not an approver' });
  });

  it('records a post that failed', async () => {
    const { audit, locks } = fresh();
    const out = await requestCheckpoint({ audit, notifier: notifier(true), clock, logger: silentLogger, policies, locks }, { userId: 'U0SREALICE' });
    expect(out).toMatchObject({ ok: false, refusal: 'post_failed', message: expect.stringContaining('not_in_channel') });
    expect((await audit.latest(2)).map((e) => e.outcome)).toEqual(['failed: not_in_channel', 'requested']);
  });

  it('posts one checkpoint per period across replicas, only when the chain grew, and retries a failed post', async () => {
    const { audit, locks } = fresh();
    const deps = { audit, clock, logger: silentLogger };
    const chat = notifier();
    const opts = { everyMinutes: 60, locks };
    now = Date.parse('2025-03-05T10:05:00Z');
    expect(await periodicCheckpoint({ ...deps, notifier: chat }, opts)).toBe('empty');
    await audit.append({ actor: 'system', action: 'incident_posted', outcome: 'posted' });

    expect(await periodicCheckpoint({ ...deps, notifier: notifier(true) }, opts).catch((e: Error) => e.message)).toMatch(/not_in_channel/);
    // Two replicas tick in the same period: one posts.
    const results = await Promise.all([periodicCheckpoint({ ...deps, notifier: chat }, opts), periodicCheckpoint({ ...deps, notifier: chat }, opts)]);
    expect(results.sort()).toEqual(['posted', 'taken']);
    expect(chat.posts).toHaveLength(1);

    now += 3_600_000; // next period, nothing new
    expect(await periodicCheckpoint({ ...deps, notifier: chat }, opts)).toBe('unchanged');
    await audit.append({ actor: 'system', action: 'incident_resolved', outcome: 'resolved' });
    now += 3_600_000;
    expect(await periodicCheckpoint({ ...deps, notifier: chat }, opts)).toBe('posted');
    expect(chat.posts.map((p) => parseCheckpointText(p.text)?.seq)).toEqual([1, 2]);
  });

  it('runs on its own once started, first one tick after start, and stops', async () => {
    const { audit, locks } = fresh();
    await audit.append({ actor: 'system', action: 'incident_posted', outcome: 'posted' });
    const chat = notifier();
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      const schedule = scheduleCheckpoints({ audit, notifier: chat, clock, logger: silentLogger }, { everyMinutes: 1, locks });
      expect(chat.posts).toHaveLength(0);
      vi.advanceTimersByTime(checkpointTickMs(1));
      await expect.poll(() => chat.posts.length).toBe(1);
      schedule.stop();
      await audit.append({ actor: 'system', action: 'incident_resolved', outcome: 'resolved' });
      now += 120_000;
      vi.advanceTimersByTime(10 * checkpointTickMs(1));
      await new Promise((r) => setTimeout(r, 200));
      expect(chat.posts).toHaveLength(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('looks often enough to post early in each period', () => {
    expect(checkpointTickMs(1440)).toBe(15 * 60_000);
    expect(checkpointTickMs(10)).toBe(10 * 60_000);
    expect(checkpointTickMs(0.01)).toBe(5_000);
  });
});
