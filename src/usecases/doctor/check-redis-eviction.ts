// Redis: nothing is evicted under memory pressure (BullMQ needs maxmemory-policy noeviction;
// an evicted audit entry would also break the hash chain).
import { fail, ok, skip, type CheckResult } from '../../core/doctor/check.ts';
import type { RedisFacts } from '../../core/doctor/redis-info.ts';

const BASE = { id: 'redis.eviction', area: 'redis', title: 'eviction' } as const;

export function checkRedisEviction(facts: RedisFacts | undefined): CheckResult {
  if (!facts) return skip(BASE, 'needs a reachable Redis');
  if (facts.maxmemoryPolicy === undefined) return skip(BASE, 'INFO does not report maxmemory_policy');
  if (facts.maxmemoryPolicy === 'noeviction') return ok(BASE, 'maxmemory-policy noeviction: nothing is dropped under memory pressure');
  return fail(BASE, `maxmemory-policy is ${facts.maxmemoryPolicy}: Redis may drop queued jobs, incidents or audit entries`,
    '`maxmemory-policy noeviction` in redis.conf, or CONFIG SET maxmemory-policy noeviction');
}
