// Many incidents in one round trip, for the indexes (active, history, recent) that list them.
import type { Redis } from 'ioredis';
import type { IncidentReport } from '../../core/model.ts';
import type { Logger } from '../../ports.ts';
import { withStore } from './connection.ts';
import type { IncidentKeys } from './incident-keys.ts';
import { parseStoredReport } from './stored-report.ts';

export interface ReadIncidents {
  reports: IncidentReport[];
  /** Ids whose incident has expired: the caller drops them from its index. */
  missing: string[];
}

/** Expired incidents are reported as missing; corrupt ones are logged and skipped so a list still works. */
export async function readIncidents(redis: Redis, key: IncidentKeys, ids: string[], logger?: Logger): Promise<ReadIncidents> {
  if (ids.length === 0) return { reports: [], missing: [] };
  const pipeline = redis.pipeline();
  for (const id of ids) pipeline.hget(key.incident(id), 'json');
  const replies = (await withStore('read incidents', () => pipeline.exec())) ?? [];
  const reports: IncidentReport[] = [];
  const missing: string[] = [];
  ids.forEach((id, i) => {
    const [err, json] = replies[i] ?? [new Error('no reply'), null];
    if (err) throw err;
    if (typeof json !== 'string') {
      missing.push(id);
      return;
    }
    try {
      reports.push(parseStoredReport(id, json));
    } catch (e) {
      logger?.warn({ incidentId: id, err: e instanceof Error ? e.message : String(e) }, 'skipping corrupt incident');
    }
  });
  return { reports, missing };
}
