// Kubernetes: metrics.k8s.io (metrics-server) is served, when leak forecasting is on.
import { fail, ok, skip, warn, type CheckResult } from '../../core/doctor/check.ts';
import { errorText, invalidVariable, type DoctorContext } from './doctor-context.ts';
import type { KubeProbe } from './probes.ts';

const BASE = { id: 'kubernetes.metrics', area: 'kubernetes', title: 'metrics API' } as const;

export async function checkKubeMetrics(ctx: Pick<DoctorContext, 'config' | 'invalid'>, probe: KubeProbe | undefined): Promise<CheckResult> {
  const bad = invalidVariable(ctx, 'FORECAST_HORIZON_MINUTES');
  if (bad) return skip(BASE, `${bad} is invalid (see configuration)`);
  if (ctx.config.FORECAST_HORIZON_MINUTES === 0) return skip(BASE, 'FORECAST_HORIZON_MINUTES=0: leak forecasts are off');
  if (!probe) return skip(BASE, 'needs a reachable API server');
  try {
    if (await probe.metricsAvailable()) return ok(BASE, 'metrics.k8s.io is served: leak forecasts are on');
    return warn(BASE, 'metrics.k8s.io is not served: leak forecasts are off (OOMs are still detected)',
      'install metrics-server, or set FORECAST_HORIZON_MINUTES=0 to say forecasts are not wanted');
  } catch (err) {
    return fail(BASE, `metrics.k8s.io discovery failed: ${errorText(err)}`, 'check the metrics-server APIService (kubectl get apiservice v1beta1.metrics.k8s.io)');
  }
}
