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
