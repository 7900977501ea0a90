// What recomputing the whole audit chain found. The adapter produces it, the core renders it.
import type { AuditCheckpoint, CheckpointCheck } from './checkpoint.ts';

/** firstBadIndex is the 0-based stream position of the first entry that does not check out. */
export interface AuditVerifyResult {
  ok: boolean;
  entries: number;
  firstBadIndex?: number;
  problem?: string;
  /** One result per checkpoint asked about; `ok` is false when any of them fails. */
  checkpoints?: CheckpointCheck[];
}

export interface AuditVerifyOptions {
  /** Heads recorded outside Redis that the chain must still contain. */
  checkpoints?: readonly AuditCheckpoint[];
}
