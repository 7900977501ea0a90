// Who may click Approve/Reject. Only approvers named by the policy decide; Approve is never
// allowed when the policy denied the recommendation, while Reject stays open to approvers
// (saying "no" to a denied change is always safe).
import type { Verdict } from '../model.ts';

export type DecisionAction = 'approve' | 'reject';

export type AuthorizationRefusal = 'not_approver' | 'policy_denied';

export type Authorization =
  | { allowed: true }
  | { allowed: false; code: AuthorizationRefusal; reason: string };

/** Policy entry that lets every workspace member decide. */
export const ANY_APPROVER = '*';

export function isApprover(verdict: Verdict, userId: string): boolean {
  const id = userId.trim();
  if (id === '') return false;
  return verdict.approvers.some((a) => a === ANY_APPROVER || a.trim() === id);
}

export function authorizeDecision(verdict: Verdict, userId: string, action: DecisionAction): Authorization {
  if (!isApprover(verdict, userId)) {
    const reason =
      verdict.approvers.length === 0
        ? `policy ${verdict.policyName} names no approvers, so nobody can ${action} this incident`
        : `only the approvers named by policy ${verdict.policyName} can ${action} this incident`;
    return { allowed: false, code: 'not_approver', reason };
  }
  if (action === 'approve' && !verdict.allowed) {
    const why = verdict.reasons.length > 0 ? `: ${verdict.reasons.join('; ')}` : '';
    return {
      allowed: false,
      code: 'policy_denied',
      reason: `policy ${verdict.policyName} does not allow this recommendation, so it cannot be approved${why}`,
    };
  }
  return { allowed: true };
}

/**
 * The verdict as the policy stands now: approvers come from the current policy (someone removed
 * from `approvers` loses the right at once, not when old incidents expire), and a namespace
 * protected since the analysis can no longer be approved.
 */
export function withCurrentPolicy(verdict: Verdict, current: { policy: { spec: { approvers: string[] } } | undefined; protected: boolean }): Verdict {
  return { ...verdict, approvers: current.policy?.spec.approvers ?? [], allowed: verdict.allowed && !current.protected && current.policy !== undefined };
}
