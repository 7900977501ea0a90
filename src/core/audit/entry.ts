// One audit entry and the rules of its hash chain. Pure: the hash function is passed in, so the
// adapter decides how SHA-256 is computed and the core stays free of I/O.
import { z } from 'zod';
import { AuditSubjectSchema } from './subject.ts';

/** prevHash of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** A Slack user id (U…/W…) or "system" for things the bot did on its own. */
export const AuditActorSchema = z.string().regex(/^(system|[UW][A-Z0-9]{2,30})$/, 'actor must be a Slack user id or "system"');

export const AuditActionSchema = z.enum([
  'incident_posted',
  'incident_updated',
  'incident_resolved',
  'decision',
  'decision_refused',
  'acknowledged',
  'muted',
  'unmuted',
  'scan_requested',
  'thread_question',
  'command',
  'audit_checkpoint',
]);

// Flat scalar details keep the canonical form obvious and the entries small.
const DetailValueSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const AuditEntryInputSchema = z.strictObject({
  /** ISO-8601; the adapter fills it from its clock when omitted. */
  at: z.string().optional(),
  actor: AuditActorSchema,
  /**
   * The actor's display name as Slack gives it (looked up once by ID and cached), so the trail
   * names people the same way on every entry. Absent for "system" and in entries written before
   * names were recorded.
   */
  actorName: z.string().min(1).max(200).optional(),
  action: AuditActionSchema,
  incidentId: z.string().min(1).optional(),
  /** What the entry is about; absent in entries written before subjects were recorded. */
  subject: AuditSubjectSchema.optional(),
  verdict: z.strictObject({ allowed: z.boolean(), policyName: z.string() }).optional(),
  /** The change decided on; `resource` only on CPU changes (absent: memory, as in older entries). */
  recommendation: z.strictObject({ limit: z.string(), request: z.string().optional(), resource: z.literal('cpu').optional() }).optional(),
  /** What came of it: "approved", "rejected", "refused: not an approver", "posted"... */
  outcome: z.string().min(1),
  details: z.record(z.string(), DetailValueSchema).optional(),
});
export type AuditEntryInput = z.input<typeof AuditEntryInputSchema>;

const HashSchema = z.string().regex(/^[0-9a-f]{64}$/);

// Strict: a field added to a stored entry is a tamper, not something to strip silently. Fields
// added to the schema are optional and the canonical JSON leaves absent members out, so entries
// written before a field existed hash, and verify, exactly as they did.
export const AuditEntrySchema = AuditEntryInputSchema.extend({
  seq: z.number().int().positive(),
  at: z.string().min(1),
  prevHash: HashSchema,
  hash: HashSchema,
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

export type UnhashedAuditEntry = Omit<AuditEntry, 'hash'>;
export type HashFn = (text: string) => string;

/** JSON with object keys sorted at every level and undefined members dropped: one text per value. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError('non-finite number in audit entry');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  const members = Object.keys(value)
    .sort()
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
  return `{${members.join(',')}}`;
}

/** The exact text that is hashed: prevHash followed by the canonical JSON of the entry without `hash`. */
export function hashInput(entry: UnhashedAuditEntry): string {
  const { hash: _ignored, ...rest } = entry as AuditEntry;
  return entry.prevHash + canonicalJson(rest);
}

export function computeEntryHash(entry: UnhashedAuditEntry, hash: HashFn): string {
  return hash(hashInput(entry));
}

/** The next entry of a chain whose head is (seq, hash); `at` comes from the input or `now`. */
export function chainEntry(input: AuditEntryInput, head: { seq: number; hash: string }, now: string, hash: HashFn): AuditEntry {
  const parsed = AuditEntryInputSchema.parse(input);
  const unhashed: UnhashedAuditEntry = { ...parsed, at: parsed.at ?? now, seq: head.seq + 1, prevHash: head.hash };
  return { ...unhashed, hash: computeEntryHash(unhashed, hash) };
}

export type ChainProblem = 'unparseable' | 'seq_mismatch' | 'prev_hash_mismatch' | 'hash_mismatch';

/**
 * Checks one stored entry against its predecessor. `index` is its 0-based position in the
 * stream; a deletion shows as a seq gap, a reorder as a seq or prevHash mismatch, an edit as a
 * hash mismatch.
 */
export function checkLink(
  raw: unknown,
  index: number,
  prev: { seq: number; hash: string },
  hash: HashFn,
): { ok: true; entry: AuditEntry } | { ok: false; kind: ChainProblem; problem: string } {
  const parsed = AuditEntrySchema.safeParse(raw);
  if (!parsed.success) return { ok: false, kind: 'unparseable', problem: `entry ${index} is not a valid audit entry: ${parsed.error.issues[0]?.message ?? 'invalid'}` };
  const entry = parsed.data;
  if (entry.seq !== prev.seq + 1) {
    return { ok: false, kind: 'seq_mismatch', problem: `entry ${index} has seq ${entry.seq}, expected ${prev.seq + 1} (an entry was deleted or moved)` };
  }
  if (entry.prevHash !== prev.hash) {
    return { ok: false, kind: 'prev_hash_mismatch', problem: `entry ${index} (seq ${entry.seq}) does not link to the entry before it` };
  }
  const expected = computeEntryHash(entry, hash);
  if (expected !== entry.hash) {
    return { ok: false, kind: 'hash_mismatch', problem: `entry ${index} (seq ${entry.seq}) was modified: its hash does not match its content` };
  }
  return { ok: true, entry };
}
