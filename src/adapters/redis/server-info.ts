// `doctor`'s questions to Redis: PING and INFO on one short-lived connection that never retries,
// so an unreachable Redis is reported within the connect timeout. Under Redis Sentinel the
// master is found through the sentinels, and each sentinel is asked what it knows. Reads only.
import { Redis, type RedisOptions } from 'ioredis';
import { AppError } from '../../core/errors.ts';
import type { RedisProbe, SentinelFacts } from '../../usecases/doctor/probes.ts';
import { redisOptionsFor, sentinelProblem } from './connection.ts';
import { asTarget, describeRedisTarget, formatAddress, sentinelOptions, type RedisTarget, type SentinelTarget } from './redis-target.ts';

export function createRedisProbe(target: string | RedisTarget, opts: { timeoutMs?: number } = {}): RedisProbe {
  const t = asTarget(target);
  const where = describeRedisTarget(t);
  const timeoutMs = opts.timeoutMs ?? 5_000;
  let client: Redis | undefined;
  return {
    where,
    async info() {
      client ??= new Redis(t.url, {
        ...redisOptionsFor('store', { name: 'kube-ai-sre:doctor', connectTimeoutMs: timeoutMs, commandTimeoutMs: timeoutMs }),
        ...sentinelOptions(t, { detectFailover: false }),
        retryStrategy: () => null,
        sentinelRetryStrategy: () => null,
        maxRetriesPerRequest: 0,
      });
      // The connection's own error says why (a refused connect, NOAUTH on the handshake); the
      // rejected command then only says "Connection is closed."
      let connectionError: string | undefined;
      client.on('error', (err: Error) => {
        connectionError ??= err.message;
      });
      client.on('sentinelError', (err: Error) => {
        connectionError ??= t.sentinel ? sentinelProblem(err.message, t.sentinel.masterName) : err.message;
      });
      try {
        if (client.status === 'wait') await client.connect();
        await client.ping();
        return await client.info();
      } catch (err) {
        throw new AppError('store_unavailable', `Redis at ${where}: ${reasonOf(connectionError ?? (err instanceof Error ? err.message : String(err)))}`, { where }, { cause: err });
      }
    },
    ...(t.sentinel ? { sentinel: () => askSentinels(t.sentinel!, timeoutMs) } : {}),
    async close() {
      client?.disconnect();
      client = undefined;
    },
  };
}

/** Asks every configured sentinel in turn; the facts come from the first that answers. */
async function askSentinels(s: SentinelTarget, timeoutMs: number): Promise<SentinelFacts> {
  const facts: SentinelFacts = { masterName: s.masterName, configured: s.addresses.length, answering: 0 };
  for (const address of s.addresses) {
    const options: RedisOptions = {
      host: address.host, port: address.port, lazyConnect: true, enableReadyCheck: false,
      connectTimeout: timeoutMs, commandTimeout: timeoutMs, retryStrategy: () => null, maxRetriesPerRequest: 0,
      ...(s.password ? { password: s.password } : {}),
      ...(s.tls ? { tls: {} } : {}),
    };
    const c = new Redis(options);
    let connectionError: string | undefined;
    c.on('error', (err: Error) => {
      connectionError ??= err.message;
    });
    try {
      await c.connect();
      const master = await c.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', s.masterName);
      facts.answering++;
      if (facts.master !== undefined || !Array.isArray(master)) continue;
      facts.master = formatAddress({ host: String(master[0]), port: Number(master[1]) });
      const replicas = (await c.call('SENTINEL', 'REPLICAS', s.masterName)) as unknown[];
      // Up: not flagged down, and its link to the master is ok (a dead old master is listed as a replica at first).
      facts.replicas = replicas.map(fieldsOf).filter((r) => !/s_down|o_down|disconnected/.test(r.flags ?? '') && (r['master-link-status'] ?? 'ok') === 'ok').length;
      const others = (await c.call('SENTINEL', 'SENTINELS', s.masterName)) as unknown[];
      facts.sentinels = 1 + others.map(fieldsOf).filter((o) => !/s_down|o_down|disconnected/.test(o.flags ?? '')).length;
      facts.quorum = await c.call('SENTINEL', 'CKQUORUM', s.masterName).then(
        (reply) => ({ ok: true, message: String(reply) }),
        (err: unknown) => ({ ok: false, message: err instanceof Error ? err.message : String(err) }),
      );
    } catch (err) {
      facts.unanswered ??= `${formatAddress(address)}: ${reasonOf(connectionError ?? (err instanceof Error ? err.message : String(err)))}`;
    } finally {
      c.disconnect();
    }
  }
  return facts;
}

/** A sentinel's [field, value, ...] description of one instance. */
function fieldsOf(flat: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (Array.isArray(flat)) for (let i = 0; i + 1 < flat.length; i += 2) out[String(flat[i])] = String(flat[i + 1]);
  return out;
}

function reasonOf(message: string): string {
  if (/^NOAUTH\b/.test(message)) return 'authentication required (NOAUTH)';
  if (/^WRONGPASS\b/.test(message)) return 'wrong password or user name (WRONGPASS)';
  return message;
}
