// Working-set samples per container, for leak forecasting. One sorted set per container:
//   <prefix>usage:<ns>/<pod>/<container>   zset, score = sample time (epoch ms), member = "<at>|<bytes>"
// capped to the newest `maxSamples` and expiring `ttlSeconds` after the last write, so pods that
// are gone leave nothing behind. A sample with the same timestamp replaces the earlier one
// (metrics-server reports the same scrape until its next one, and scans may be more frequent).
import type { Redis } from 'ioredis';
import type { UsageHistory } from '../../ports.ts';
import { withStore } from './connection.ts';

export interface UsageHistoryOptions {
  redis: Redis;
  /** Key prefix, e.g. "kube-ai-sre:"; a trailing ":" is added if missing. */
  prefix: string;
  /** Newest samples kept per container. Default 120. */
  maxSamples?: number;
  /** Default 6 hours. */
  ttlSeconds?: number;
}

export function usageKey(prefix: string, namespace: string, pod: string, container: string): string {
  return `${prefix}usage:${namespace}/${pod}/${container}`;
}

function member(at: string, bytes: number): string {
  return `${at}|${bytes}`;
}

function parseMember(m: string): { at: string; bytes: number } | undefined {
  const i = m.lastIndexOf('|');
  const bytes = Number(m.slice(i + 1));
  return i > 0 && Number.isFinite(bytes) ? { at: m.slice(0, i), bytes } : undefined;
}

export function createUsageHistory(opts: UsageHistoryOptions): UsageHistory {
  const { redis } = opts;
  const prefix = opts.prefix.endsWith(':') || opts.prefix === '' ? opts.prefix : `${opts.prefix}:`;
  const maxSamples = opts.maxSamples ?? 120;
  const ttlSeconds = opts.ttlSeconds ?? 6 * 3600;

  return {
    async record(samples): Promise<void> {
      const valid = samples.filter((s) => Number.isFinite(Date.parse(s.at)) && Number.isFinite(s.bytes) && s.bytes >= 0);
      if (valid.length === 0) return;
      const tx = redis.multi();
      const keys = new Set<string>();
      for (const s of valid) {
        const key = usageKey(prefix, s.namespace, s.pod, s.container);
        const score = Date.parse(s.at);
        tx.zremrangebyscore(key, score, score);
        tx.zadd(key, score, member(s.at, s.bytes));
        keys.add(key);
      }
      for (const key of keys) {
        tx.zremrangebyrank(key, 0, -(maxSamples + 1));
        tx.expire(key, ttlSeconds);
      }
      await withStore('usage history record', async () => {
        const results = await tx.exec();
        const failed = results?.find(([err]) => err);
        if (failed?.[0]) throw failed[0];
      });
    },

    async samples(namespace, pod, container): Promise<Array<{ at: string; bytes: number }>> {
      const members = await withStore('usage history read', () => redis.zrange(usageKey(prefix, namespace, pod, container), 0, '-1'));
      return members.flatMap((m) => parseMember(m) ?? []);
    },
  };
}
