// `audit verify|export`: what the audit trail says about itself. The outcome is a stable code;
// the CLI decides which exit code each one means.
import { describeCheckpointProblem, type AuditCheckpoint } from '../core/audit/checkpoint.ts';
import { auditCsvHeader, auditCsvRow } from '../core/audit/csv.ts';
import { matchesFilter, type AuditFilter } from '../core/audit/filter.ts';
import { isAppError } from '../core/errors.ts';
import type { AuditLog } from '../ports.ts';

/** intact: the whole chain checks out; broken: an entry was altered; unreadable: the store failed. */
export type AuditVerifyOutcome = 'intact' | 'broken' | 'unreadable';

export interface AuditVerifyReport {
  outcome: AuditVerifyOutcome;
  message: string;
}

export interface AuditVerifyRequest {
  /** Heads recorded outside Redis (Slack checkpoints, --checkpoint) the chain must still hold. */
  checkpoints?: readonly AuditCheckpoint[];
  /** Where they came from, for the message ("3 checkpoints read from Slack channel C0…"). */
  checkpointSource?: string;
}

export async function auditVerify(audit: AuditLog, req: AuditVerifyRequest = {}): Promise<AuditVerifyReport> {
  const checkpoints = req.checkpoints ?? [];
  try {
    const result = await audit.verify(checkpoints.length > 0 ? { checkpoints } : {});
    const bad = (result.checkpoints ?? []).filter((c) => !c.ok);
    const chainBroken = !result.ok && bad.length === 0;
    if (chainBroken) {
      return {
        outcome: 'broken',
        message: `audit trail BROKEN at entry ${result.firstBadIndex ?? result.entries}: ${result.problem ?? 'unknown problem'} (${result.entries} entries verified before it)`,
      };
    }
    if (bad.length > 0) {
      return {
        outcome: 'broken',
        message: [
          `audit trail REWRITTEN: its ${result.entries} entries link up, but it no longer contains ${bad.length} of ${checkpoints.length} checkpoint${checkpoints.length === 1 ? '' : 's'}${req.checkpointSource ? ` ${req.checkpointSource}` : ''}:`,
          ...bad.slice(0, 20).map((c) => `  ${describeCheckpointProblem(c)}`),
          ...(bad.length > 20 ? [`  … and ${bad.length - 20} more`] : []),
        ].join('\n'),
      };
    }
    const witnessed = checkpoints.length > 0
      ? `; it contains all ${checkpoints.length} checkpoint${checkpoints.length === 1 ? '' : 's'}${req.checkpointSource ? ` ${req.checkpointSource}` : ''}, the newest at seq ${Math.max(...checkpoints.map((c) => c.seq))}`
      : '';
    return { outcome: 'intact', message: `audit trail intact: ${result.entries} entries verified${witnessed}` };
  } catch (err) {
    const code = isAppError(err) ? err.code : 'store_unavailable';
    return { outcome: 'unreadable', message: `audit trail could not be read (${code}): ${err instanceof Error ? err.message : String(err)}` };
  }
}

export type AuditExportFormat = 'jsonl' | 'csv';

export interface AuditExportOptions {
  filter?: AuditFilter;
  format?: AuditExportFormat;
}

/**
 * Writes the entries the filter keeps, oldest first: one JSON line each (the stored entry, hashes
 * included), or CSV with a header row. Returns how many were written.
 */
export async function auditExport(audit: AuditLog, write: (line: string) => void | Promise<void>, opts: AuditExportOptions = {}): Promise<{ count: number }> {
  const csv = opts.format === 'csv';
  let count = 0;
  if (csv) await write(`${auditCsvHeader()}\n`);
  for await (const entry of audit.export()) {
    if (opts.filter && !matchesFilter(entry, opts.filter)) continue;
    await write(`${csv ? auditCsvRow(entry) : JSON.stringify(entry)}\n`);
    count++;
  }
  return { count };
}
