// Alerts folded into a flood summary: one expiring marker per alert fingerprint, set and read in
// one round trip for a whole notification (a flood is hundreds of them). Key layout: incident-keys.ts.
import type { Redis } from 'ioredis';
import type { AlertFolds } from '../../ports.ts';
import { withStore } from './connection.ts';
import { incidentKeys } from './incident-keys.ts';

export interface AlertFoldsOptions {
  redis: Redis;
  /** Key prefix, the same as the incident records'. */
  prefix: string;
}

export function createAlertFolds(options: AlertFoldsOptions): AlertFolds {
  const { redis } = options;
  const key = incidentKeys(options.prefix);

  return {
    async fold(fingerprints, ttlSeconds) {
      if (fingerprints.length === 0) return;
      const ttl = Math.max(1, Math.round(ttlSeconds));
      await withStore('alert fold', async () => {
        const pipeline = redis.pipeline();
        for (const fp of fingerprints) pipeline.set(key.alertFold(fp), '1', 'EX', ttl);
        const results = (await pipeline.exec()) ?? [];
        const failed = results.find(([err]) => err);
        if (failed?.[0]) throw failed[0];
      });
    },

    async unfold(fingerprints) {
      if (fingerprints.length === 0) return;
      await withStore('alert fold', () => redis.del(...fingerprints.map((fp) => key.alertFold(fp))));
    },

    async folded(fingerprints) {
      if (fingerprints.length === 0) return new Set();
      const values = await withStore('alert fold', () => redis.mget(...fingerprints.map((fp) => key.alertFold(fp))));
      return new Set(fingerprints.filter((_, i) => values[i] !== null));
    },
  };
}
