import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/core/errors.ts';
import { GENESIS_HASH, chainEntry, type AuditEntry } from '../../src/core/audit/entry.ts';
import { sha256Hex } from '../../src/adapters/hash.ts';
import { auditExport, auditVerify } from '../../src/usecases/audit-commands.ts';
import type { AuditLog, AuditVerifyResult } from '../../src/ports.ts';

// A port fake: the Redis adapter has its own tests; these check what the use case says and returns.
function fakeAudit(entries: AuditEntry[], verify: () => Promise<AuditVerifyResult>): AuditLog {
  return {
    append: () => Promise.reject(new Error('not used')),
    latest: (n) => Promise.resolve(entries.slice(-n).reverse()),
    verify,
    export: async function* () {
      yield* entries;
    },
  };
}

const first = chainEntry({ actor: 'system', action: 'incident_posted', incidentId: 'inc_1', outcome: 'posted' }, { seq: 0, hash: GENESIS_HASH }, '2025-03-14T09:26:53.000Z', sha256Hex);
const second = chainEntry({ actor: 'U024BE7LH', action: 'decision', incidentId: 'inc_1', outcome: 'approved' }, first, '2025-03-14T09:31:02.000Z', sha256Hex);

describe('auditVerify', () => {
  it.each([
    ['intact', async () => ({ ok: true, entries: 2 }), /intact: 2 entries/],
    ['broken', async () => ({ ok: false, entries: 3, firstBadIndex: 3, problem: 'entry 3 (seq 4) was modified' }), /BROKEN at entry 3: entry 3 \(seq 4\) was modified/],
    ['unreadable', async () => Promise.reject(new AppError('store_unavailable', 'connect ECONNREFUSED')), /could not be read \(store_unavailable\)/],
  ] as const)('%s trail', async (outcome, verify, message) => {
    const result = await auditVerify(fakeAudit([], verify as () => Promise<AuditVerifyResult>));
    expect(result.outcome).toBe(outcome);
    expect(result.message).toMatch(message);
  });
});

describe('auditExport', () => {
  it('writes one JSON line per entry, oldest first', async () => {
    const lines: string[] = [];
    const result = await auditExport(fakeAudit([first, second], async () => ({ ok: true, entries: 2 })), (l) => {
      lines.push(l);
    });
    expect(result).toEqual({ count: 2 });
    expect(lines.every((l) => l.endsWith('\n'))).toBe(true);
    expect(lines.map((l) => JSON.parse(l) as AuditEntry)).toEqual([first, second]);
  });
});

describe('auditVerify with checkpoints', () => {
  const cp = { seq: 2, hash: 'c'.repeat(64), source: 'in Slack C0AUDIT message 1.2' };
  it('says the chain holds every checkpoint, and where they came from', async () => {
    const result = await auditVerify(fakeAudit([], async () => ({ ok: true, entries: 2, checkpoints: [{ checkpoint: cp, ok: true, found: cp.hash }] })), {
      checkpoints: [cp], checkpointSource: 'read from Slack channel C0AUDIT',
    });
    expect(result).toEqual({ outcome: 'intact', message: 'audit trail intact: 2 entries verified; it contains all 1 checkpoint read from Slack channel C0AUDIT, the newest at seq 2' });
  });

  it('calls a chain that links up but lost a checkpoint rewritten', async () => {
    const result = await auditVerify(fakeAudit([], async () => ({ ok: false, entries: 2, checkpoints: [{ checkpoint: cp, ok: false, problem: 'hash_mismatch', found: 'd'.repeat(64) }] })), { checkpoints: [cp] });
    expect(result.outcome).toBe('broken');
    expect(result.message).toMatch(/^audit trail REWRITTEN: its 2 entries link up, but it no longer contains 1 of 1 checkpoint:\n {2}checkpoint seq 2 \(in Slack C0AUDIT message 1\.2\): .*the chain was rewritten/);
  });
});

describe('auditExport with filters and CSV', () => {
  const third = chainEntry(
    { actor: 'U0SREBOB', actorName: 'Bob Chen', action: 'decision', incidentId: 'inc_2', subject: { namespace: 'shop', workload: { kind: 'StatefulSet', name: 'ledger' }, container: 'db' }, outcome: 'rejected' },
    second, '2025-03-15T10:00:00.000Z', sha256Hex,
  );
  const audit = fakeAudit([first, second, third], async () => ({ ok: true, entries: 3 }));

  it('keeps only the entries the filter matches', async () => {
    const lines: string[] = [];
    const result = await auditExport(audit, (l) => void lines.push(l), { filter: { actions: ['decision'], since: Date.parse('2025-03-15T00:00:00Z') } });
    expect(result).toEqual({ count: 1 });
    expect(JSON.parse(lines[0]!)).toEqual(third);
  });

  it('writes a CSV header and one row per entry', async () => {
    const lines: string[] = [];
    await auditExport(audit, (l) => void lines.push(l), { format: 'csv', filter: { actor: 'bob chen' } });
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^seq,at,action,outcome,actor,actor_name,cluster,namespace,workload_kind,workload,/);
    expect(lines[1]).toMatch(/^3,2025-03-15T10:00:00.000Z,decision,rejected,U0SREBOB,Bob Chen,,shop,StatefulSet,ledger,,db,/);
  });
});

