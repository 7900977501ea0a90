// The few facts `doctor` reads from Redis's INFO reply: version, mode, persistence and eviction.

export interface RedisFacts {
  version?: string;
  mode?: string;
  aofEnabled?: boolean;
  maxmemoryPolicy?: string;
}

/** Parses the `field:value` lines of INFO (any sections). */
export function parseRedisInfo(text: string): RedisFacts {
  const fields = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const at = line.indexOf(':');
    if (line.startsWith('#') || at <= 0) continue;
    fields.set(line.slice(0, at), line.slice(at + 1).trim());
  }
  const aof = fields.get('aof_enabled');
  return {
    ...(fields.has('redis_version') ? { version: fields.get('redis_version') } : {}),
    ...(fields.has('redis_mode') ? { mode: fields.get('redis_mode') } : {}),
    ...(aof !== undefined ? { aofEnabled: aof === '1' } : {}),
    ...(fields.has('maxmemory_policy') ? { maxmemoryPolicy: fields.get('maxmemory_policy') } : {}),
  };
}

/** Compares dotted versions numerically: -1, 0 or 1. Missing parts count as 0. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((x) => Number.parseInt(x, 10) || 0);
  const pb = b.split('.').map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

/** BullMQ refuses Redis below 5.0.0 and recommends 6.2.0 or later. */
export const REDIS_MIN_VERSION = '5.0.0';
export const REDIS_RECOMMENDED_VERSION = '6.2.0';
