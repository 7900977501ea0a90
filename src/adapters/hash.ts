import { createHash } from 'node:crypto';

/** SHA-256 hex of a string; the hash the core's fingerprints and context keys are made with. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
