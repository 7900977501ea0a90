// `doctor`'s questions to Redis: PING and INFO on one short-lived connection that never retries,
// so an unreachable Redis is reported within the connect timeout. Reads only.
import { Redis } from 'ioredis';
import { AppError } from '../../core/errors.ts';
import type { RedisProbe } from '../../usecases/doctor/probes.ts';
import { redactRedisUrl, redisOptionsFor } from './connection.ts';

export function createRedisProbe(url: string, opts: { timeoutMs?: number } = {}): RedisProbe {
  const where = redactRedisUrl(url);
  const timeoutMs = opts.timeoutMs ?? 5_000;
  let client: Redis | undefined;
  return {
    where,
    async info() {
      client ??= new Redis(url, {
        ...redisOptionsFor('store', { name: 'kube-ai-sre:doctor', connectTimeoutMs: timeoutMs, commandTimeoutMs: timeoutMs }),
        retryStrategy: () => null,
        maxRetriesPerRequest: 0,
      });
      // The connection's own error says why (a refused connect, NOAUTH on the handshake); the
      // rejected command then only says "Connection is closed."
      let connectionError: string | undefined;
      client.on('error', (err: Error) => {
        connectionError ??= err.message;
      });
      try {
        if (client.status === 'wait') await client.connect();
        await client.ping();
        return await client.info();
      } catch (err) {
        throw new AppError('store_unavailable', `Redis at ${where}: ${reasonOf(connectionError ?? (err instanceof Error ? err.message : String(err)))}`, { where }, { cause: err });
      }
    },
    async close() {
      client?.disconnect();
      client = undefined;
    },
  };
}

function reasonOf(message: string): string {
  if (/^NOAUTH\b/.test(message)) return 'authentication required (NOAUTH)';
  if (/^WRONGPASS\b/.test(message)) return 'wrong password or user name (WRONGPASS)';
  return message;
}
