import { describe, expect, it } from 'vitest';
import { authorizeDecision, type DecisionAction } from '../../../src/core/incident/authorize.ts';
import type { Verdict } from '../../../src/core/model.ts';
import { incidentReport } from '../../fixtures/incidents/report.ts';

const allowed: Verdict = incidentReport().verdict;
const denied: Verdict = {
  ...allowed,
  allowed: false,
  reasons: ['limit 8Gi above max 4Gi'],
  recommendedLimit: '4Gi',
  clamped: true,
};
const nobody: Verdict = { ...allowed, approvers: [] };
const everyone: Verdict = { ...allowed, approvers: ['*'] };

const table: Array<[string, Verdict, string, DecisionAction, true | 'not_approver' | 'policy_denied']> = [
  ['approver approves an allowed change', allowed, 'U0SREALICE', 'approve', true],
  ['approver rejects an allowed change', allowed, 'U0SREBOB', 'reject', true],
  ['non-approver approves', allowed, 'U0INTERN', 'approve', 'not_approver'],
  ['non-approver rejects', allowed, 'U0INTERN', 'reject', 'not_approver'],
  ['approver approves a denied change', denied, 'U0SREALICE', 'approve', 'policy_denied'],
  ['approver rejects a denied change', denied, 'U0SREALICE', 'reject', true],
  ['non-approver approves a denied change', denied, 'U0INTERN', 'approve', 'not_approver'],
  ['empty user id', allowed, '', 'reject', 'not_approver'],
  ['user id differs only in case', allowed, 'u0srealice', 'approve', 'not_approver'],
  ['policy with no approvers', nobody, 'U0SREALICE', 'reject', 'not_approver'],
  ['wildcard approver list', everyone, 'U0ANYONE', 'approve', true],
  ['wildcard still cannot approve a denied change', { ...denied, approvers: ['*'] }, 'U0ANYONE', 'approve', 'policy_denied'],
];

describe('authorizeDecision', () => {
  it.each(table)('%s', (_name, verdict, userId, action, expected) => {
    const result = authorizeDecision(verdict, userId, action);
    if (expected === true) {
      expect(result).toEqual({ allowed: true });
    } else {
      expect(result).toMatchObject({ allowed: false, code: expected });
      if (result.allowed) return;
      expect(result.reason).toContain(verdict.policyName);
    }
  });

  it('explains a policy denial with the policy reasons', () => {
    const result = authorizeDecision(denied, 'U0SREALICE', 'approve');
    expect(result.allowed).toBe(false);
    if (!result.allowed) expect(result.reason).toContain('limit 8Gi above max 4Gi');
  });

  it('says when the policy names nobody', () => {
    const result = authorizeDecision(nobody, 'U0SREALICE', 'approve');
    if (!result.allowed) expect(result.reason).toContain('names no approvers');
    expect(result.allowed).toBe(false);
  });
});
