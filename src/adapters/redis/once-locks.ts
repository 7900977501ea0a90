// Expiring SET NX markers: the first caller to set one wins (Slack event retries, post locks,
// one answer per question). Key layout: incident-keys.ts.
import type { Redis } from 'ioredis';
import type { OnceLocks } from '../../ports.ts';
import { withStore } from './connection.ts';
import { incidentKeys } from './incident-keys.ts';

export interface OnceLocksOptions {
  redis: Redis;
  /** Key prefix, the same as the incident records'. */
  prefix: string;
}

export function createOnceLocks(options: OnceLocksOptions): OnceLocks {
  const { redis } = options;
  const key = incidentKeys(options.prefix);

  return {
    async seenOnce(k, ttlSeconds) {
      const reply = await withStore('dedup marker', () =>
        redis.set(key.seen(k), '1', 'EX', Math.max(1, Math.round(ttlSeconds)), 'NX'),
      );
      return reply === 'OK';
    },

    async forget(k) {
      await withStore('dedup marker', () => redis.del(key.seen(k)));
    },
  };
}
