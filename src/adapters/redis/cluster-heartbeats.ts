// Heartbeats of the agents sharing this Redis, one hash per cluster:
//   <prefix>clusters:<cluster>   hash, field = agent instance, value = heartbeat JSON; expires
//                                `ttlMs` after the last beat of any of its agents
//   <prefix>clusters             zset, member = cluster, score = last beat (epoch ms), so a cluster
//                                whose agents are all gone is still listed, as not live, for a week
// An agent that stops removes its own field: with no other agent left the cluster is gone at
// once; a crashed agent's field is dropped by the next beat of a live one, or expires with the key.
import type { Redis } from 'ioredis';
import { ClusterHeartbeatSchema, clusterStatuses, type ClusterHeartbeat, type ClusterStatus } from '../../core/cluster/heartbeat.ts';
import type { Clock, ClusterDirectory, Logger } from '../../ports.ts';
import { withStore } from './connection.ts';

const GONE_KEPT_MS = 7 * 24 * 3600 * 1000;

export interface ClusterHeartbeatsOptions {
  redis: Redis;
  prefix: string;
  clock: Clock;
  /** How long a heartbeat counts as live without a new beat. */
  ttlMs: number;
  logger?: Logger;
}

export function heartbeatKey(prefix: string, cluster: string): string {
  return `${prefix}clusters:${cluster}`;
}

export function createClusterHeartbeats(opts: ClusterHeartbeatsOptions): ClusterDirectory {
  const { redis, prefix, ttlMs } = opts;
  const index = `${prefix}clusters`;

  function parse(cluster: string, instance: string, json: string): ClusterHeartbeat | undefined {
    try {
      const beat = ClusterHeartbeatSchema.parse(JSON.parse(json));
      return beat.cluster === cluster && beat.instance === instance ? beat : undefined;
    } catch {
      opts.logger?.warn({ cluster, instance }, 'ignoring an unreadable cluster heartbeat');
      return undefined;
    }
  }

  return {
    async beat(heartbeat) {
      const beat = ClusterHeartbeatSchema.parse(heartbeat);
      const key = heartbeatKey(prefix, beat.cluster);
      const now = opts.clock.now().getTime();
      await withStore('cluster heartbeat', async () => {
        // Agents of this cluster that stopped beating without saying goodbye (crashed) go first.
        const fields = await redis.hgetall(key);
        const stale = Object.entries(fields)
          .filter(([instance, json]) => instance !== beat.instance && !(Date.parse(parse(beat.cluster, instance, json)?.lastBeat ?? '') + ttlMs >= now))
          .map(([instance]) => instance);
        const tx = redis.multi();
        if (stale.length > 0) tx.hdel(key, ...stale);
        tx.hset(key, beat.instance, JSON.stringify(beat));
        tx.pexpire(key, ttlMs);
        tx.zadd(index, Date.parse(beat.lastBeat), beat.cluster);
        tx.zremrangebyscore(index, '-inf', now - GONE_KEPT_MS);
        const results = await tx.exec();
        const failed = results?.find(([err]) => err);
        if (failed?.[0]) throw failed[0];
      });
    },

    async leave(cluster, instance) {
      await withStore('cluster heartbeat removal', async () => { await redis.hdel(heartbeatKey(prefix, cluster), instance); });
    },

    async list(): Promise<ClusterStatus[]> {
      return withStore('cluster list', async () => {
        const seen = await redis.zrange(index, '0', '-1', 'WITHSCORES');
        const lastSeen = new Map<string, string>();
        for (let i = 0; i + 1 < seen.length; i += 2) lastSeen.set(seen[i]!, new Date(Number(seen[i + 1])).toISOString());
        const beats: ClusterHeartbeat[] = [];
        const tx = redis.multi();
        const names = [...lastSeen.keys()];
        for (const name of names) tx.hgetall(heartbeatKey(prefix, name));
        const results = names.length > 0 ? (await tx.exec()) ?? [] : [];
        results.forEach(([err, fields], i) => {
          if (err || !fields) return;
          for (const [instance, json] of Object.entries(fields as Record<string, string>)) {
            const beat = parse(names[i]!, instance, json);
            if (beat) beats.push(beat);
          }
        });
        return clusterStatuses(beats, lastSeen, opts.clock.now(), ttlMs);
      });
    },
  };
}
