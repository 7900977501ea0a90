// ioredis clients for the three ways the bot talks to Redis, and the mapping of connection
// failures to `store_unavailable`.
//
// - 'store':  incident store, audit log, dedup keys. Used on Slack's 3-second ack path, so it
//   fails fast: no offline queue (a command while disconnected errors at once instead of
//   waiting for a reconnect), one retry per request, and a command timeout for half-open sockets.
// - 'queue':  BullMQ producers (Queue). Same fail-fast choice, so enqueueing from a slash command
//   reports an outage instead of hanging.
// - 'worker': BullMQ workers. BullMQ requires `maxRetriesPerRequest: null`; its blocking commands
//   wait through outages, so the offline queue stays on.
//
// All roles reconnect forever with capped exponential backoff: a mid-run outage degrades the bot
// (store calls fail with `store_unavailable`) and it recovers by itself when Redis is back.
// Under Redis Sentinel every (re)connect asks the sentinels for the master first, so after a
// failover the clients find the promoted replica by themselves (see redis-target.ts).
import { Redis, type RedisOptions } from 'ioredis';
import { AppError, isAppError } from '../../core/errors.ts';
import type { Logger } from '../../ports.ts';
import { asTarget, describeRedisTarget, sentinelOptions, type RedisTarget } from './redis-target.ts';

export { redactRedisUrl } from './redis-target.ts';

export type RedisRole = 'store' | 'queue' | 'worker';

export interface RedisConnectOptions {
  /** Shown in CLIENT LIST, e.g. "kube-ai-sre:store". */
  name?: string;
  logger?: Logger;
  /** Initial connect budget; defaults to 5 s. */
  connectTimeoutMs?: number;
  /** Per-command budget for the fail-fast roles; defaults to 5 s. */
  commandTimeoutMs?: number;
}

const RECONNECT_BASE_MS = 100;
const RECONNECT_MAX_MS = 5_000;

/** Delay before reconnect attempt `times` (1-based): 200, 400, 800... capped at 5 s, never giving up. */
export function reconnectDelay(times: number): number {
  return Math.min(RECONNECT_BASE_MS * 2 ** Math.min(times, 16), RECONNECT_MAX_MS);
}

// Under Sentinel a reconnect first asks a sentinel where the master is: cheap, and after a
// failover the sooner it asks, the sooner writes go to the promoted replica.
const SENTINEL_RECONNECT_MAX_MS = 1_000;

export function sentinelReconnectDelay(times: number): number {
  return Math.min(reconnectDelay(times), SENTINEL_RECONNECT_MAX_MS);
}

export function redisOptionsFor(role: RedisRole, opts: RedisConnectOptions = {}): RedisOptions {
  const common: RedisOptions = {
    lazyConnect: true,
    connectTimeout: opts.connectTimeoutMs ?? 5_000,
    retryStrategy: reconnectDelay,
    // After a failover the old primary answers READONLY: reconnect and resend.
    reconnectOnError: (err) => (err.message.startsWith('READONLY') ? 2 : false),
    ...(opts.name ? { connectionName: opts.name } : {}),
  };
  if (role === 'worker') {
    return { ...common, maxRetriesPerRequest: null, enableOfflineQueue: true };
  }
  return {
    ...common,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    commandTimeout: opts.commandTimeoutMs ?? 5_000,
  };
}

/** All options of a client for `target` in `role` (a plain URL's address is read by ioredis itself). */
export function clientOptionsFor(target: RedisTarget, role: RedisRole, opts: RedisConnectOptions = {}): RedisOptions {
  const base = redisOptionsFor(role, opts);
  if (!target.sentinel) return base;
  return { ...base, ...sentinelOptions(target, { detectFailover: true }), retryStrategy: sentinelReconnectDelay };
}

/** Why a sentinel could not name the master, in words ("got an invalid reply: null" means it does not know the name). */
export function sentinelProblem(message: string, masterName: string): string {
  return /invalid reply: null|No such master with that name/.test(message) ? `the sentinels do not know a master named "${masterName}" (${message})` : message;
}

/**
 * Under Sentinel, ioredis ends a client for good when the sentinels announce a failover while it is
 * asking them for the master (its failover detector closes the connector mid-connect). Such an end
 * was not asked for (no disconnect or quit: not `manuallyClosing`), so the client connects again; the
 * same holds for its duplicates (BullMQ's own connections).
 */
export function reconnectUnaskedEnds(client: Redis): Redis {
  const internals = client as unknown as { manuallyClosing?: boolean };
  let last = client.status;
  for (const status of ['connecting', 'connect', 'ready', 'close', 'reconnecting']) client.on(status, () => (last = status as typeof last));
  client.on('end', () => {
    if (last !== 'connecting' || internals.manuallyClosing) return;
    setTimeout(() => {
      if (client.status === 'end' && !internals.manuallyClosing) client.connect().catch(() => undefined);
    }, SENTINEL_RECONNECT_MAX_MS).unref();
  });
  const duplicate = client.duplicate.bind(client);
  client.duplicate = (override) => reconnectUnaskedEnds(duplicate(override));
  return client;
}

/** A client that has not connected yet (BullMQ connects its own duplicates). */
export function createRedis(target: string | RedisTarget, role: RedisRole, opts: RedisConnectOptions = {}): Redis {
  const t = asTarget(target);
  const client = new Redis(t.url, clientOptionsFor(t, role, opts));
  if (t.sentinel) reconnectUnaskedEnds(client);
  const where = describeRedisTarget(t);
  let down = false;
  // Without an 'error' listener ioredis prints every failed reconnect as an unhandled error.
  client.on('error', (err: Error) => {
    if (!down) opts.logger?.warn({ redis: where, role, err: err.message }, 'redis connection error');
    down = true;
  });
  client.on('ready', () => {
    if (down) opts.logger?.info({ redis: where, role }, 'redis connection restored');
    down = false;
  });
  return client;
}

/**
 * Connects and waits until Redis answers. Throws `store_unavailable` (and stops reconnecting)
 * when it cannot be reached at start, so a misconfigured URL or master name fails the start-up
 * loudly. Under Sentinel ioredis keeps asking the sentinels; the connect budget ends that.
 */
export async function connectRedis(target: string | RedisTarget, role: RedisRole, opts: RedisConnectOptions = {}): Promise<Redis> {
  const t = asTarget(target);
  const client = createRedis(t, role, opts);
  let lastProblem: string | undefined;
  const note = (err: Error): void => {
    lastProblem = t.sentinel ? sentinelProblem(err.message, t.sentinel.masterName) : err.message;
  };
  client.on('sentinelError', note);
  client.on('error', note);
  const budgetMs = (opts.connectTimeoutMs ?? 5_000) * 2;
  let timer: NodeJS.Timeout | undefined;
  const attempt = (async () => {
    await client.connect();
    await client.ping();
  })();
  // When the budget runs out first, the attempt's own rejection is not news.
  attempt.catch(() => undefined);
  try {
    await Promise.race([
      attempt,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(lastProblem ?? `no answer within ${budgetMs} ms`)), budgetMs);
      }),
    ]);
    return client;
  } catch (err) {
    client.disconnect();
    const reason = lastProblem ?? (err instanceof Error ? err.message : String(err));
    throw new AppError(
      'store_unavailable',
      `Redis at ${describeRedisTarget(t)} is unreachable: ${reason}`,
      { role },
      { cause: err },
    );
  } finally {
    clearTimeout(timer);
    client.off('sentinelError', note);
    client.off('error', note);
  }
}

// Replies that mean "Redis is there but cannot serve right now" rather than a bug in a command.
const TRANSIENT_REPLY = /^(LOADING|BUSY|MASTERDOWN|TRYAGAIN|CLUSTERDOWN|READONLY|MISCONF)\b/;

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
// ioredis reports its own connection states with plain Errors and these messages only.
const CLIENT_STATE = /Connection is closed|Stream isn't writeable|Command timed out|Reached the max retries|connect ETIMEDOUT/;

/** True when an error from ioredis means Redis could not be reached or could not serve. */
export function isUnavailableError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (err.name === 'ReplyError') return TRANSIENT_REPLY.test(err.message);
  if (err.name === 'MaxRetriesPerRequestError') return true;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
  return CLIENT_STATE.test(err.message);
}

/** Runs one Redis operation; connection failures become `store_unavailable`, AppErrors pass through. */
export async function withStore<T>(what: string, op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (err) {
    if (isAppError(err)) throw err;
    if (isUnavailableError(err)) {
      throw new AppError(
        'store_unavailable',
        `Redis unavailable during ${what}: ${err instanceof Error ? err.message : String(err)}`,
        { operation: what },
        { cause: err },
      );
    }
    throw err;
  }
}
