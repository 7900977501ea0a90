// Kubernetes: the namespaces in SCAN_NAMESPACES exist.
import { isAppError } from '../../core/errors.ts';
import { fail, ok, skip, warn, type CheckResult } from '../../core/doctor/check.ts';
import { errorText, invalidVariable, type DoctorContext } from './doctor-context.ts';
import type { KubeProbe } from './probes.ts';

const BASE = { id: 'kubernetes.namespaces', area: 'kubernetes', title: 'namespaces' } as const;

export async function checkKubeNamespaces(ctx: Pick<DoctorContext, 'config' | 'invalid'>, probe: KubeProbe | undefined): Promise<CheckResult> {
  const bad = invalidVariable(ctx, 'SCAN_NAMESPACES');
  if (bad) return skip(BASE, `${bad} is invalid (see configuration)`);
  if (!probe) return skip(BASE, 'needs a reachable API server');
  const wanted = ctx.config.SCAN_NAMESPACES;
  if (wanted.length === 0) return ok(BASE, 'SCAN_NAMESPACES is empty: every namespace the agent may list is scanned and watched');
  const missing: string[] = [];
  for (const ns of wanted) {
    try {
      if (!(await probe.namespaceExists(ns))) missing.push(ns);
    } catch (err) {
      if (isAppError(err, 'k8s_forbidden')) return skip(BASE, 'the agent may not read namespaces (see the reads below)');
      return warn(BASE, `could not check namespace ${ns}: ${errorText(err)}`, 'run the doctor again once the API server answers');
    }
  }
  if (missing.length > 0) {
    return fail(BASE, `not found: ${missing.join(', ')}`, `create ${missing.length === 1 ? 'it' : 'them'}, or correct SCAN_NAMESPACES (comma-separated names)`);
  }
  return ok(BASE, `${wanted.join(', ')} exist${wanted.length === 1 ? 's' : ''}`);
}
