// Kubernetes RBAC: the agent can change nothing (no writes, no exec, no secrets), as its design
// promises; any such access is reported with where it is allowed. For a ServiceAccount (the agent
// in a cluster) that is a failure; for a person's own credentials (a laptop with kind's admin
// kubeconfig) a warning: the agent has no code path that writes, but its credentials could.

import { accessQueries, describeQuery, FORBIDDEN_ACCESS } from '../../core/doctor/agent-access.ts';
import { fail, ok, skip, warn, type CheckResult } from '../../core/doctor/check.ts';
import { askAccess } from './ask-access.ts';
import { errorText, invalidVariable, type DoctorContext } from './doctor-context.ts';
import type { KubeProbe } from './probes.ts';

const BASE = { id: 'kubernetes.rbac.writes', area: 'kubernetes', title: 'RBAC: no writes' } as const;

export async function checkKubeWrites(ctx: Pick<DoctorContext, 'config' | 'invalid'>, probe: KubeProbe | undefined, user: string | undefined): Promise<CheckResult> {
  const bad = invalidVariable(ctx, 'SCAN_NAMESPACES');
  if (bad) return skip(BASE, `${bad} is invalid (see configuration)`);
  if (!probe) return skip(BASE, 'needs a reachable API server');
  let answers;
  try {
    answers = await askAccess(probe, accessQueries(FORBIDDEN_ACCESS, { namespaces: ctx.config.SCAN_NAMESPACES }));
  } catch (err) {
    return fail(BASE, `SelfSubjectAccessReview failed: ${errorText(err)}`, 'run the doctor again once the API server answers');
  }
  const allowed = answers.filter((a) => a.allowed);
  if (allowed.length > 0) {
    const shown = allowed.slice(0, 5).map((a) => describeQuery(a.query, a.need.clusterScoped)).join(', ');
    const more = allowed.length > 5 ? ` and ${allowed.length - 5} more` : '';
    const who = user ?? 'the agent\'s identity';
    const detail = `${allowed.length} of ${answers.length} must be denied but are allowed: ${shown}${more}`;
    if (user !== undefined && !user.startsWith('system:serviceaccount:')) {
      return warn(BASE, `${detail} (these are ${user}'s own credentials)`,
        'fine for a try-out; in a cluster run the agent as the read-only ServiceAccount of manifests/agent/rbac.yaml');
    }
    return fail(BASE, detail,
      `the agent never changes the cluster: bind ${who} only to the read-only ClusterRole in manifests/agent/rbac.yaml and remove the other bindings (see kubectl auth can-i --list --as ${user ?? '<user>'})`);
  }
  return ok(BASE, `none of ${answers.length} writes, exec or secret reads is allowed`);
}
