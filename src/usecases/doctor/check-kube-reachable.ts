// Kubernetes: the API server answers, which version it runs, and who it takes the agent for.
import { isAppError } from '../../core/errors.ts';
import { fail, ok, skip, type CheckResult } from '../../core/doctor/check.ts';
import { errorText } from './doctor-context.ts';
import type { KubeProbe } from './probes.ts';

const BASE = { id: 'kubernetes.reachable', area: 'kubernetes', title: 'API server' } as const;

export async function checkKubeReachable(probe: KubeProbe | undefined): Promise<{ result: CheckResult; user?: string }> {
  if (!probe) return { result: skip(BASE, 'needs a kubeconfig') };
  let version: string;
  try {
    version = await probe.version();
  } catch (err) {
    const fix = isAppError(err, 'k8s_unreachable')
      ? `start the cluster, or fix the server address of context ${probe.context} (kubectl cluster-info)`
      : /unauthorized/.test(errorText(err))
        ? `the credentials of context ${probe.context} are expired or wrong: refresh the kubeconfig`
        : `check the API server at ${probe.server} (kubectl cluster-info)`;
    return { result: fail(BASE, `${probe.server}: ${errorText(err)}`, fix) };
  }
  let user: string | undefined;
  try {
    user = await probe.whoAmI();
  } catch {
    user = undefined;
  }
  return { result: ok(BASE, `${version} at ${probe.server}${user ? `, as ${user}` : ''}`), ...(user ? { user } : {}) };
}
