// Where the agent's Redis is: one address (REDIS_URL), or a master that Redis Sentinel names
// (REDIS_SENTINELS + REDIS_SENTINEL_MASTER). Under Sentinel, REDIS_URL's address is not used, but
// its user, password, database number and scheme (rediss: = TLS to the data nodes) still are.
import type { RedisOptions } from 'ioredis';

export interface SentinelAddress {
  host: string;
  port: number;
}

export interface SentinelTarget {
  addresses: SentinelAddress[];
  /** The master group name the sentinels monitor. */
  masterName: string;
  password?: string;
  /** TLS to the sentinels themselves. */
  tls?: boolean;
}

export interface RedisTarget {
  /** REDIS_URL, with REDIS_PASSWORD merged in when it is set. */
  url: string;
  sentinel?: SentinelTarget;
}

/** The environment variables a target is built from (Config has them). */
export interface RedisSettings {
  REDIS_URL: string;
  REDIS_PASSWORD?: string | undefined;
  REDIS_SENTINELS?: SentinelAddress[] | undefined;
  REDIS_SENTINEL_MASTER?: string | undefined;
  REDIS_SENTINEL_PASSWORD?: string | undefined;
  REDIS_SENTINEL_TLS?: boolean | undefined;
}

export function redisTargetOf(settings: RedisSettings): RedisTarget {
  let url = settings.REDIS_URL;
  if (settings.REDIS_PASSWORD) {
    const u = new URL(url);
    u.password = encodeURIComponent(settings.REDIS_PASSWORD);
    url = u.toString();
  }
  const addresses = settings.REDIS_SENTINELS ?? [];
  if (addresses.length === 0 || !settings.REDIS_SENTINEL_MASTER) return { url };
  return {
    url,
    sentinel: {
      addresses,
      masterName: settings.REDIS_SENTINEL_MASTER,
      ...(settings.REDIS_SENTINEL_PASSWORD ? { password: settings.REDIS_SENTINEL_PASSWORD } : {}),
      ...(settings.REDIS_SENTINEL_TLS ? { tls: true } : {}),
    },
  };
}

export function asTarget(target: string | RedisTarget): RedisTarget {
  return typeof target === 'string' ? { url: target } : target;
}

/** "redis://user:secret@host:6379/0" → "redis://user:***@host:6379/0", for messages and logs. */
export function redactRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<invalid redis url>';
  }
}

export function formatAddress(a: SentinelAddress): string {
  return a.host.includes(':') ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`;
}

/** For messages and logs; never shows a password. */
export function describeRedisTarget(target: string | RedisTarget): string {
  const t = asTarget(target);
  if (!t.sentinel) return redactRedisUrl(t.url);
  return `Sentinel master "${t.sentinel.masterName}" via ${t.sentinel.addresses.map(formatAddress).join(',')}`;
}

/**
 * ioredis options that point a client at the target's master under Sentinel (empty for a plain
 * URL, which ioredis reads itself). The failover detector listens on the sentinels for
 * +switch-master and drops the connection at once, rather than when the old master stops answering.
 */
export function sentinelOptions(target: RedisTarget, opts: { detectFailover: boolean }): RedisOptions {
  const s = target.sentinel;
  if (!s) return {};
  return {
    sentinels: s.addresses.map((a) => ({ host: a.host, port: a.port })),
    name: s.masterName,
    role: 'master',
    ...(s.password ? { sentinelPassword: s.password } : {}),
    ...(s.tls ? { sentinelTLS: {} } : {}),
    // rediss:// in REDIS_URL: the data nodes the sentinels name are reached over TLS too.
    ...(target.url.startsWith('rediss:') ? { enableTLSForSentinelMode: true, tls: {} } : {}),
    failoverDetector: opts.detectFailover,
  };
}
