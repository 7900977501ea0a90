// Redis Sentinel (when REDIS_SENTINELS is set): the sentinels answer, know the master by its
// name, and a failover could happen now: a replica to promote and a quorum to authorise it.
import { fail, ok, warn, type CheckResult } from '../../core/doctor/check.ts';
import { errorText, type DoctorContext } from './doctor-context.ts';
import type { SentinelFacts } from './probes.ts';

const BASE = { id: 'redis.sentinel', area: 'redis', title: 'sentinel' } as const;

export async function checkRedisSentinel(ctx: Pick<DoctorContext, 'redis'>): Promise<CheckResult | undefined> {
  if (!ctx.redis.sentinel) return undefined;
  let facts: SentinelFacts;
  try {
    facts = await ctx.redis.sentinel();
  } catch (err) {
    return fail(BASE, `the sentinels could not be asked: ${errorText(err)}`, 'check REDIS_SENTINELS (host:port of each sentinel) and REDIS_SENTINEL_PASSWORD');
  }
  return sentinelResult(facts);
}

export function sentinelResult(f: SentinelFacts): CheckResult {
  const name = `"${f.masterName}"`;
  if (f.answering === 0) {
    return fail(BASE, `none of the ${f.configured} sentinel(s) answered (${f.unanswered ?? 'no reason given'})`,
      'check REDIS_SENTINELS (host:port of each sentinel, usually port 26379) and REDIS_SENTINEL_PASSWORD');
  }
  if (f.master === undefined) {
    return fail(BASE, `the sentinels know no master named ${name}`,
      'set REDIS_SENTINEL_MASTER to the name in the sentinels\' `sentinel monitor <name> ...` (SENTINEL MASTERS lists them)');
  }
  const seen = `master ${name} at ${f.master}; ${f.sentinels ?? '?'} sentinel(s), ${f.replicas ?? '?'} replica(s) up; ${f.answering} of ${f.configured} configured sentinel(s) answered`;
  if ((f.replicas ?? 0) === 0) {
    return warn(BASE, `${seen}: no replica, so a failover has nothing to promote and audit entries are on the master only`,
      'run at least one replica (replicaof the master) that the sentinels can see');
  }
  if (f.quorum && !f.quorum.ok) {
    return warn(BASE, `${seen}: a failover could not be authorised now (${f.quorum.message})`, 'run at least three sentinels, a majority of them reachable (SENTINEL CKQUORUM)');
  }
  if (f.answering < f.configured) {
    return warn(BASE, `${seen} (${f.unanswered ?? 'one did not answer'})`, 'fix or remove the sentinels in REDIS_SENTINELS that do not answer');
  }
  return ok(BASE, seen);
}
