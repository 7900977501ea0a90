import { createHash } from 'node:crypto';

/**
 * SHA-256 hex of a string: chains the audit trail and is the `hash` the use cases get for context
 * keys (whether an incident needs a new analysis). Incident fingerprints do not use it: they are
 * 64-bit FNV-1a from the core (core/hash.ts).
 */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
