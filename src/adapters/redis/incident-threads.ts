// Slack threads of incidents: which incident a thread belongs to, and the questions and answers
// asked in it. Both expire with the incident's retention. Key layout: incident-keys.ts.
import type { Redis } from 'ioredis';
import { AppError } from '../../core/errors.ts';
import { ThreadTurnSchema, type ThreadTurn } from '../../core/qa/thread-turn.ts';
import type { IncidentRecords, IncidentThreads, Logger } from '../../ports.ts';
import { withStore } from './connection.ts';
import { incidentKeys, retentionSeconds } from './incident-keys.ts';

export interface IncidentThreadsOptions {
  redis: Redis;
  /** Key prefix, the same as the incident records'. */
  prefix: string;
  /** INCIDENT_RETENTION_DAYS: how long a thread outlives its last write. */
  retentionDays?: number;
  /** Where the incidents themselves live: the Slack ref is part of the report. */
  incidents: Pick<IncidentRecords, 'get' | 'update'>;
  logger?: Logger;
}

export function createIncidentThreads(options: IncidentThreadsOptions): IncidentThreads {
  const { redis, incidents, logger } = options;
  const key = incidentKeys(options.prefix);
  const ttl = retentionSeconds(options.retentionDays);

  return {
    async setSlackRef(id, ref) {
      const updated = await incidents.update(id, (r) => ({ ...r, slack: { channel: ref.channel, ts: ref.ts } }));
      if (updated) {
        await withStore('index thread', () => redis.set(key.thread(ref.channel, ref.ts), id, 'EX', ttl));
      }
      return updated;
    },

    async findByThread(channel, threadTs) {
      const id = await withStore('find by thread', () => redis.get(key.thread(channel, threadTs)));
      return id === null ? undefined : incidents.get(id);
    },

    async appendTurn(id, turn, max) {
      const valid = ThreadTurnSchema.parse(turn);
      const keep = Math.max(1, Math.floor(max));
      const results = await withStore('append thread turn', () =>
        redis.multi().rpush(key.turns(id), JSON.stringify(valid)).ltrim(key.turns(id), -keep, -1).expire(key.turns(id), ttl).exec(),
      );
      const failed = results?.find(([err]) => err);
      if (!results || failed) {
        throw new AppError('store_unavailable', `could not append a thread turn to incident ${id}`, { id }, { cause: failed?.[0] });
      }
    },

    async turns(id) {
      const raw = await withStore('read thread turns', () => redis.lrange(key.turns(id), 0, -1));
      const turns: ThreadTurn[] = [];
      for (const text of raw) {
        try {
          turns.push(ThreadTurnSchema.parse(JSON.parse(text)));
        } catch {
          logger?.warn({ incidentId: id }, 'skipping corrupt thread turn');
        }
      }
      return turns;
    },
  };
}
