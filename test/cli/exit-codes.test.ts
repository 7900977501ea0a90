import { describe, expect, it } from 'vitest';
import { EXIT, exitCodeForAuditVerify } from '../../src/cli/exit-codes.ts';

describe('exitCodeForAuditVerify', () => {
  it.each([
    ['intact', EXIT.ok],
    ['broken', EXIT.auditBroken],
    ['unreadable', EXIT.redisUnavailable],
  ] as const)('%s trail exits %i', (outcome, exitCode) => {
    expect(exitCodeForAuditVerify(outcome)).toBe(exitCode);
  });

  it('keeps the documented numbers', () => {
    expect([EXIT.ok, EXIT.auditBroken, EXIT.redisUnavailable]).toEqual([0, 9, 10]);
  });
});
