// What recomputing the whole audit chain found. The adapter produces it, the core renders it.

/** firstBadIndex is the 0-based stream position of the first entry that does not check out. */
export interface AuditVerifyResult {
  ok: boolean;
  entries: number;
  firstBadIndex?: number;
  problem?: string;
}
