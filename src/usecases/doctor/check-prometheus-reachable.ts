// Prometheus (when PROMETHEUS_URL is set): it answers a query.
import { isAppError } from '../../core/errors.ts';
import { fail, ok, skip, type CheckResult } from '../../core/doctor/check.ts';
import { errorText, invalidVariable, type DoctorContext } from './doctor-context.ts';

const BASE = { id: 'prometheus.reachable', area: 'prometheus', title: 'server' } as const;

export async function checkPrometheusReachable(ctx: Pick<DoctorContext, 'config' | 'invalid' | 'prometheus'>): Promise<CheckResult> {
  const bad = invalidVariable(ctx, 'PROMETHEUS_URL', 'PROMETHEUS_TIMEOUT_MS');
  if (bad) return skip(BASE, `${bad} is invalid (see configuration)`);
  if (!ctx.prometheus) return skip(BASE, 'PROMETHEUS_URL not set: no Prometheus signals beside incidents, no CPU throttling incidents');
  try {
    await ctx.prometheus.reader.check();
    return ok(BASE, `answers queries at ${ctx.prometheus.where}`);
  } catch (err) {
    const fix = isAppError(err, 'prometheus_timeout')
      ? 'raise PROMETHEUS_TIMEOUT_MS, or check the load on Prometheus'
      : isAppError(err, 'prometheus_unreachable')
        ? 'start Prometheus or correct PROMETHEUS_URL (e.g. http://prometheus-operated.monitoring:9090); unset it to run without signals'
        : 'PROMETHEUS_URL must be the base of Prometheus\'s HTTP API (the page that serves /api/v1/query)';
    return fail(BASE, errorText(err), fix);
  }
}
