// Kubernetes RBAC: every read the agent makes with this configuration is allowed
// (SelfSubjectAccessReview per verb, resource and namespace).
import { accessQueries, describeQuery, requiredReads } from '../../core/doctor/agent-access.ts';
import { fail, ok, skip, type CheckResult } from '../../core/doctor/check.ts';
import { askAccess } from './ask-access.ts';
import { errorText, invalidVariable, type DoctorContext } from './doctor-context.ts';
import type { KubeProbe } from './probes.ts';

const BASE = { id: 'kubernetes.rbac.reads', area: 'kubernetes', title: 'RBAC: reads' } as const;

export async function checkKubeReads(ctx: Pick<DoctorContext, 'config' | 'invalid'>, probe: KubeProbe | undefined, user: string | undefined): Promise<CheckResult> {
  const bad = invalidVariable(ctx, 'SCAN_NAMESPACES', 'WATCH_ENABLED', 'EVENT_WATCH_ENABLED', 'FORECAST_HORIZON_MINUTES');
  if (bad) return skip(BASE, `${bad} is invalid (see configuration)`);
  if (!probe) return skip(BASE, 'needs a reachable API server');
  const scope = { namespaces: ctx.config.SCAN_NAMESPACES, watch: ctx.config.WATCH_ENABLED, eventWatch: ctx.config.EVENT_WATCH_ENABLED, forecast: ctx.config.FORECAST_HORIZON_MINUTES > 0 };
  const needs = requiredReads(scope);
  let answers;
  try {
    answers = await askAccess(probe, accessQueries(needs, scope));
  } catch (err) {
    return fail(BASE, `SelfSubjectAccessReview failed: ${errorText(err)}`, 'run the doctor again once the API server answers');
  }
  const where = scope.namespaces.length > 0 ? `in ${scope.namespaces.join(', ')}` : 'in every namespace';
  const denied = answers.filter((a) => !a.allowed);
  if (denied.length > 0) {
    const list = denied.map((a) => `${describeQuery(a.query, a.need.clusterScoped)} (${a.need.why})`).join(', ');
    return fail(BASE, `${denied.length} of ${answers.length} denied: ${list}`,
      `bind ${user ?? 'the agent\'s identity'} to the read-only ClusterRole in manifests/agent/rbac.yaml (kubectl apply -f manifests/agent/rbac.yaml), or grant these verbs`);
  }
  const resources = [...new Set(needs.map((n) => `${n.resource}${n.subresource ? `/${n.subresource}` : ''}${n.group ? `.${n.group}` : ''}`))];
  return ok(BASE, `all ${needs.length} reads allowed ${where}: ${resources.join(', ')}`);
}
