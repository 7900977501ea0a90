// Redis: it answers, and runs a version BullMQ supports.
import { fail, ok, skip, warn, type CheckResult } from '../../core/doctor/check.ts';
import { compareVersions, parseRedisInfo, REDIS_MIN_VERSION, REDIS_RECOMMENDED_VERSION, type RedisFacts } from '../../core/doctor/redis-info.ts';
import { errorText, invalidVariable, type DoctorContext } from './doctor-context.ts';

const BASE = { id: 'redis.reachable', area: 'redis', title: 'server' } as const;

export async function checkRedisReachable(ctx: Pick<DoctorContext, 'invalid' | 'redis'>): Promise<{ result: CheckResult; facts?: RedisFacts }> {
  const bad = invalidVariable(ctx, 'REDIS_URL', 'REDIS_PASSWORD', 'REDIS_SENTINELS', 'REDIS_SENTINEL_MASTER');
  if (bad) return { result: skip(BASE, `${bad} is invalid (see configuration)`) };
  const sentinel = ctx.redis.sentinel !== undefined;
  let facts: RedisFacts;
  try {
    facts = parseRedisInfo(await ctx.redis.info());
  } catch (err) {
    const reason = errorText(err);
    const fix = /NOAUTH|WRONGPASS|AUTH/.test(reason)
      ? 'Redis wants a password: put it in REDIS_URL (redis://:PASSWORD@host:6379, or user:PASSWORD@ with ACLs) or REDIS_PASSWORD'
      : sentinel
        ? 'check REDIS_SENTINELS and REDIS_SENTINEL_MASTER (the sentinels must answer and name a master that is up)'
        : 'start Redis (redis-server, or docker compose up redis) or point REDIS_URL at it';
    return { result: fail(BASE, reason, fix) };
  }
  const version = facts.version ?? 'unknown';
  const what = `Redis ${version}${facts.mode ? ` (${facts.mode})` : ''} at ${ctx.redis.where}`;
  if (facts.version && compareVersions(facts.version, REDIS_MIN_VERSION) < 0) {
    return { result: fail(BASE, `${what}: the job queues need Redis ${REDIS_MIN_VERSION} or later`, `upgrade Redis to ${REDIS_RECOMMENDED_VERSION} or later`), facts };
  }
  if (facts.version && compareVersions(facts.version, REDIS_RECOMMENDED_VERSION) < 0) {
    return { result: warn(BASE, `${what}: older than the recommended ${REDIS_RECOMMENDED_VERSION}`, `upgrade Redis to ${REDIS_RECOMMENDED_VERSION} or later`), facts };
  }
  return { result: ok(BASE, what), facts };
}
