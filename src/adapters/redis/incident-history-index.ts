// Past incidents from the history indexes (per fingerprint, per workload, all recent ones). The
// incident writes keep these indexes (incident-records.ts); reading drops ids whose incident has
// expired. Key layout: incident-keys.ts.
import type { Redis } from 'ioredis';
import { summarizeHistory } from '../../core/incident/history.ts';
import type { IncidentHistoryIndex, Logger } from '../../ports.ts';
import { withStore } from './connection.ts';
import { incidentKeys } from './incident-keys.ts';
import { readIncidents } from './read-incidents.ts';

export interface IncidentHistoryIndexOptions {
  redis: Redis;
  /** Key prefix, the same as the incident records'. */
  prefix: string;
  logger?: Logger;
}

export function createIncidentHistoryIndex(options: IncidentHistoryIndexOptions): IncidentHistoryIndex {
  const { redis, logger } = options;
  const key = incidentKeys(options.prefix);

  return {
    async history(query, limit) {
      const index =
        'fingerprint' in query
          ? key.fpHistory(query.fingerprint)
          : key.workloadHistory(query.namespace, query.workload.kind, query.workload.name);
      const ids = await withStore('read history', () => redis.zrevrange(index, 0, -1));
      const { reports, missing } = await readIncidents(redis, key, ids, logger);
      if (missing.length > 0) await withStore('prune history index', () => redis.zrem(index, ...missing));
      return summarizeHistory(reports, limit);
    },

    async listRecent(limit) {
      const n = Math.floor(limit);
      if (!(n > 0)) return [];
      const ids = await withStore('list recent incidents', () => redis.zrevrange(key.recent, 0, n - 1));
      const { reports, missing } = await readIncidents(redis, key, ids, logger);
      if (missing.length > 0) await withStore('prune recent index', () => redis.zrem(key.recent, ...missing));
      return reports;
    },
  };
}
