import { describe, expect, it } from 'vitest';
import { EXIT, exitCodeForAuditVerify, exitCodeForCheck } from '../../src/cli/exit-codes.ts';

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

describe('exitCodeForCheck (doctor)', () => {
  it.each([
    ['config.env', 8], ['policies.valid', 8], ['policies.approvers', 8], ['kubernetes.config', 8],
    ['slack.token', 11], ['slack.channel', 11], ['kubernetes.namespaces', 3], ['kubernetes.rbac.reads', 4], ['kubernetes.rbac.writes', 4],
    ['kubernetes.reachable', 5], ['redis.reachable', 10], ['redis.eviction', 10], ['ollama.model', 7], ['ollama.chat', 7], ['prometheus.reachable', 12], ['alertmanager.receiver', 13], ['slack.internal', 11],
  ] as const)('%s → %i', (id, code) => {
    expect(exitCodeForCheck(id)).toBe(code);
  });
});
