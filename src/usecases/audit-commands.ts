// `kube-ai-sre audit verify|export`: the CLI's view of the audit trail.
import { EXIT } from '../cli/exit-codes.ts';
import { isAppError } from '../core/errors.ts';
import type { AuditLog } from '../ports.ts';

export interface CommandResult {
  exitCode: number;
  message: string;
}

/** Exit 0 when the whole chain checks out, 9 when it was tampered with, 10 when it could not be read. */
export async function auditVerify(audit: AuditLog): Promise<CommandResult> {
  try {
    const result = await audit.verify();
    if (result.ok) return { exitCode: EXIT.ok, message: `audit trail intact: ${result.entries} entries verified` };
    return {
      exitCode: EXIT.auditBroken,
      message: `audit trail BROKEN at entry ${result.firstBadIndex ?? result.entries}: ${result.problem ?? 'unknown problem'} (${result.entries} entries verified before it)`,
    };
  } catch (err) {
    const code = isAppError(err) ? err.code : 'store_unavailable';
    return { exitCode: EXIT.redisUnavailable, message: `audit trail could not be read (${code}): ${err instanceof Error ? err.message : String(err)}` };
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
