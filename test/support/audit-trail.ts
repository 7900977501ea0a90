// Audit trails put into Redis the way an attacker or an old version of the agent left them: the
// stored trail written before entries had subjects, and a whole chain rewritten consistently (every
// hash recomputed, the head moved) by someone with write access to Redis.
import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';
import { sha256Hex } from '../../src/adapters/hash.ts';
import { GENESIS_HASH, hashInput, type AuditEntry } from '../../src/core/audit/entry.ts';

export interface StoredRow {
  id: string;
  seq: string;
  hash: string;
  entry: string;
}

/** The trail the agent wrote before audit subjects and actor names existed (12 entries, as stored). */
export function oldTrailRows(): StoredRow[] {
  return readFileSync(new URL('../fixtures/audit/trail-before-subjects.jsonl', import.meta.url), 'utf8')
    .trim().split('\n').map((l) => JSON.parse(l) as StoredRow);
}

/** Writes stored rows under `prefix` exactly as they were (same stream ids, fields and head). */
export async function loadTrail(redis: Redis, prefix: string, rows: readonly StoredRow[]): Promise<void> {
  for (const r of rows) await redis.xadd(`${prefix}audit`, r.id, 'seq', r.seq, 'hash', r.hash, 'entry', r.entry);
  const last = rows.at(-1);
  if (last) await redis.hset(`${prefix}audit:head`, 'seq', last.seq, 'hash', last.hash);
}

/**
 * Rewrites the whole chain consistently: `change` edits entries (say, turns a rejection into an
 * approval), every hash is recomputed from the first changed entry on, and the head follows.
 * Returns the entries as they now stand.
 */
export async function rewriteChain(redis: Redis, prefix: string, change: (e: AuditEntry) => AuditEntry | undefined): Promise<AuditEntry[]> {
  const rows = (await redis.xrange(`${prefix}audit`, '-', '+')) as Array<[string, string[]]>;
  const kept: AuditEntry[] = [];
  let prev = { seq: 0, hash: GENESIS_HASH };
  for (const [, fields] of rows) {
    const original = JSON.parse(fields[fields.indexOf('entry') + 1]!) as AuditEntry;
    const edited = change(structuredClone(original));
    if (!edited) continue; // dropped
    const next = { ...edited, seq: prev.seq + 1, prevHash: prev.hash } as AuditEntry;
    next.hash = sha256Hex(hashInput(next));
    kept.push(next);
    prev = { seq: next.seq, hash: next.hash };
  }
  await redis.del(`${prefix}audit`, `${prefix}audit:head`);
  for (const e of kept) await redis.xadd(`${prefix}audit`, '*', 'seq', String(e.seq), 'hash', e.hash, 'entry', JSON.stringify(e));
  if (kept.length > 0) await redis.hset(`${prefix}audit:head`, 'seq', String(prev.seq), 'hash', prev.hash);
  return kept;
}
