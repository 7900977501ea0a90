// Muted fingerprints: one JSON value per fingerprint that Redis expires when the mute ends, so a
// mute needs no sweeper and outlives the incident that was muted (a resolved incident that comes
// back unchanged while muted stays silent). Key layout: incident-keys.ts.
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { FingerprintMute, FingerprintMutes } from '../../ports.ts';
import { withStore } from './connection.ts';
import { incidentKeys } from './incident-keys.ts';

const StoredMuteSchema = z.object({
  fingerprint: z.string(),
  until: z.string(),
  userId: z.string(),
  userName: z.string().optional(),
  at: z.string(),
  analysisKey: z.string(),
});

export interface FingerprintMutesOptions {
  redis: Redis;
  /** Key prefix, the same as the incident records'. */
  prefix: string;
}

export function createFingerprintMutes(options: FingerprintMutesOptions): FingerprintMutes {
  const { redis } = options;
  const key = incidentKeys(options.prefix);

  return {
    async setMute(mute: FingerprintMute, ttlMs: number) {
      const ms = ttlMs;
      if (!(ms > 0)) {
        await withStore('mute', () => redis.del(key.mute(mute.fingerprint)));
        return;
      }
      await withStore('mute', () => redis.set(key.mute(mute.fingerprint), JSON.stringify(StoredMuteSchema.parse(mute)), 'PX', Math.ceil(ms)));
    },

    async getMute(fingerprint) {
      const raw = await withStore('mute', () => redis.get(key.mute(fingerprint)));
      if (raw === null) return undefined;
      try {
        const parsed = StoredMuteSchema.safeParse(JSON.parse(raw));
        // An unreadable mute mutes nothing: silence must never come from a corrupt value.
        return parsed.success ? parsed.data : undefined;
      } catch {
        return undefined;
      }
    },

    async clearMute(fingerprint) {
      await withStore('mute', () => redis.del(key.mute(fingerprint)));
    },
  };
}
