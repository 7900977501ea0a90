// `audit verify|export`: what the audit trail says about itself. The outcome is a stable code;
// the CLI decides which exit code each one means.
import { isAppError } from '../core/errors.ts';
import type { AuditLog } from '../ports.ts';

/** intact: the whole chain checks out; broken: an entry was altered; unreadable: the store failed. */
export type AuditVerifyOutcome = 'intact' | 'broken' | 'unreadable';

export interface AuditVerifyReport {
  outcome: AuditVerifyOutcome;
  message: string;
}

export async function auditVerify(audit: AuditLog): Promise<AuditVerifyReport> {
  try {
    const result = await audit.verify();
    if (result.ok) return { outcome: 'intact', message: `audit trail intact: ${result.entries} entries verified` };
    return {
      outcome: 'broken',
      message: `audit trail BROKEN at entry ${result.firstBadIndex ?? result.entries}: ${result.problem ?? 'unknown problem'} (${result.entries} entries verified before it)`,
    };
  } catch (err) {
    const code = isAppError(err) ? err.code : 'store_unavailable';
    return { outcome: 'unreadable', message: `audit trail could not be read (${code}): ${err instanceof Error ? err.message : String(err)}` };
  }
}

/** Writes every entry, oldest first, as one JSON line each; returns how many were written. */
export async function auditExport(audit: AuditLog, write: (line: string) => void | Promise<void>): Promise<{ count: number }> {
  let count = 0;
  for await (const entry of audit.export()) {
    await write(`${JSON.stringify(entry)}\n`);
    count++;
  }
  return { count };
}
