// Kubernetes: a configuration to reach the API server (kubeconfig, or the in-cluster ServiceAccount).
import { fail, ok, skip, type CheckResult } from '../../core/doctor/check.ts';
import { errorText, invalidVariable, type DoctorContext } from './doctor-context.ts';
import type { KubeProbe } from './probes.ts';

const BASE = { id: 'kubernetes.config', area: 'kubernetes', title: 'kubeconfig' } as const;

export function checkKubeConfig(ctx: Pick<DoctorContext, 'invalid' | 'kube'>): { result: CheckResult; probe?: KubeProbe } {
  const bad = invalidVariable(ctx, 'KUBECONFIG');
  if (bad) return { result: skip(BASE, `${bad} is invalid (see configuration)`) };
  try {
    const probe = ctx.kube();
    return { result: ok(BASE, `context ${probe.context} → ${probe.server}`), probe };
  } catch (err) {
    const reason = errorText(err);
    const detail = reason.startsWith('no Kubernetes configuration found') ? 'no Kubernetes configuration found (KUBECONFIG unset, no ~/.kube/config, not in a pod)' : reason;
    return { result: fail(BASE, detail, 'set KUBECONFIG to a kubeconfig file, create ~/.kube/config (kind: `kind export kubeconfig --name <cluster>`), or run in a pod with a ServiceAccount') };
  }
}
