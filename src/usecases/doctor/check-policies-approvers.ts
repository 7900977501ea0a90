// Policies: each policy names approvers, and (when Slack answers) each is an active person in the
// workspace. Without approvers nobody can approve or reject that policy's incidents.
import type { PolicySet } from '../../core/policy/schema.ts';
import { fail, ok, skip, type CheckResult } from '../../core/doctor/check.ts';
import { slackError } from './doctor-context.ts';
import type { SlackProbe } from './probes.ts';

const BASE = { id: 'policies.approvers', area: 'policies', title: 'approvers' } as const;

export async function checkPoliciesApprovers(policies: PolicySet | undefined, slack: SlackProbe | undefined): Promise<CheckResult> {
  if (!policies) return skip(BASE, 'needs valid policies');
  const empty = policies.filter((p) => p.spec.approvers.length === 0).map((p) => p.metadata.name);
  if (empty.length > 0) {
    return fail(BASE, `no approvers in ${empty.join(', ')}: nobody can approve or reject ${empty.length === 1 ? 'its' : 'their'} incidents`,
      'add Slack user IDs (profile → ⋯ → Copy member ID) to spec.approvers, then npm run policies:render for the cluster');
  }
  const ids = [...new Set(policies.flatMap((p) => p.spec.approvers))];
  if (!slack) return ok(BASE, `${ids.length} approver${ids.length === 1 ? '' : 's'}: ${ids.join(', ')} (not looked up: no Slack token)`);
  const problems: string[] = [];
  const names: string[] = [];
  for (const id of ids) {
    try {
      const u = await slack.userInfo(id);
      if (u.deleted) problems.push(`${id} (@${u.name}) is deactivated`);
      else if (u.isBot) problems.push(`${id} (@${u.name}) is a bot`);
      else names.push(`@${u.name}`);
    } catch (err) {
      const code = slackError(err);
      if (code === 'user_not_found') problems.push(`${id} is not a user of this workspace`);
      else return ok(BASE, `${ids.length} approver${ids.length === 1 ? '' : 's'}: ${ids.join(', ')} (not looked up: users.info failed with ${code})`);
    }
  }
  if (problems.length > 0) {
    return fail(BASE, problems.join('; '), 'use the member IDs of active people (profile → ⋯ → Copy member ID) in spec.approvers');
  }
  return ok(BASE, `${names.join(', ')} can approve and reject`);
}
