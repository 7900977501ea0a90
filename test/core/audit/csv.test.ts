import { describe, expect, it } from 'vitest';
import { AUDIT_CSV_COLUMNS, auditCsvHeader, auditCsvRow } from '../../../src/core/audit/csv.ts';
import type { AuditEntry } from '../../../src/core/audit/entry.ts';

/** A minimal RFC 4180 reader, for checking what a spreadsheet would see. */
function readCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (c === '"') quoted = false; else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; } else if (c === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; } else cell += c;
  }
  if (cell !== '' || row.length) { row.push(cell); rows.push(row); }
  return rows;
}

const decision: AuditEntry = {
  seq: 7, at: '2025-03-04T09:20:00.000Z', actor: 'U0SREALICE', actorName: 'Martin, Alice "Al"', action: 'decision', incidentId: 'oom-1',
  subject: { cluster: 'prod-eu', namespace: 'shop', workload: { kind: 'Deployment', name: 'checkout' }, pod: 'checkout-6d8f7b9c5-x2klp', container: 'app', kind: 'OOMKilled', family: 'memory', fingerprint: 'fp-1' },
  verdict: { allowed: true, policyName: 'default' }, recommendation: { limit: '256Mi', request: '128Mi' },
  outcome: 'rejected', details: { reason: '=HYPERLINK("http://x")\nsecond line', requested: 'reject' },
  prevHash: '0'.repeat(64), hash: 'b'.repeat(64),
};

describe('audit CSV', () => {
  it('gives one column per fact, the subject and the actor spelled out', () => {
    const [header, row] = readCsv(`${auditCsvHeader()}\n${auditCsvRow(decision)}\n`);
    expect(header).toEqual([...AUDIT_CSV_COLUMNS]);
    const byColumn = Object.fromEntries(header!.map((h, i) => [h, row![i]]));
    expect(byColumn).toMatchObject({
      seq: '7', action: 'decision', outcome: 'rejected', actor: 'U0SREALICE', actor_name: 'Martin, Alice "Al"',
      cluster: 'prod-eu', namespace: 'shop', workload_kind: 'Deployment', workload: 'checkout', container: 'app',
      kind: 'OOMKilled', family: 'memory', fingerprint: 'fp-1', incident_id: 'oom-1',
      verdict_allowed: 'true', policy: 'default', recommended_limit: '256Mi', recommended_request: '128Mi', hash: 'b'.repeat(64),
    });
    expect(JSON.parse(byColumn.details!)).toEqual(decision.details);
  });

  it('leaves the subject columns empty for entries written before subjects, and defuses formulas', () => {
    const old: AuditEntry = { ...decision, subject: undefined, actorName: undefined, details: undefined, outcome: '=1+1', actor: 'system' };
    const [row] = readCsv(auditCsvRow(old));
    const byColumn = Object.fromEntries(AUDIT_CSV_COLUMNS.map((h, i) => [h, row![i]]));
    expect(byColumn).toMatchObject({ namespace: '', workload: '', actor_name: '', details: '', incident_id: 'oom-1', outcome: "'=1+1" });
  });
});
