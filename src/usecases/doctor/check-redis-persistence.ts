// Redis: the append-only file is on, so incidents and the audit trail survive a restart.
import { ok, skip, warn, type CheckResult } from '../../core/doctor/check.ts';
import type { RedisFacts } from '../../core/doctor/redis-info.ts';

const BASE = { id: 'redis.persistence', area: 'redis', title: 'persistence' } as const;

export function checkRedisPersistence(facts: RedisFacts | undefined): CheckResult {
  if (!facts) return skip(BASE, 'needs a reachable Redis');
  if (facts.aofEnabled === undefined) return skip(BASE, 'INFO does not say whether the append-only file is on');
  if (facts.aofEnabled) return ok(BASE, 'append-only file on: incidents and the audit trail survive a restart');
  return warn(BASE, 'append-only file off: a restart can lose incidents, queued jobs and the end of the audit trail',
    'turn it on: `appendonly yes` in redis.conf (docker-compose.yml and manifests/agent/redis.yaml do), or CONFIG SET appendonly yes');
}
