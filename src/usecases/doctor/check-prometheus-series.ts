// Prometheus: the series the agent queries exist (cAdvisor's and kube-state-metrics'). Missing
// ones are a warning: the agent runs, with fewer signals.
import { ok, skip, warn, type CheckResult } from '../../core/doctor/check.ts';
import { describeMissing, EXPECTED_SERIES, SOURCE_FIX } from '../../core/doctor/prometheus-series.ts';
import { errorText, type DoctorContext } from './doctor-context.ts';

const BASE = { id: 'prometheus.series', area: 'prometheus', title: 'series' } as const;

export async function checkPrometheusSeries(ctx: Pick<DoctorContext, 'prometheus' | 'clock'>, reachable: boolean): Promise<CheckResult> {
  if (!ctx.prometheus || !reachable) return skip(BASE, 'needs a reachable Prometheus');
  const now = ctx.clock.now();
  const present: string[] = [];
  const missing = [];
  for (const s of EXPECTED_SERIES) {
    try {
      const result = await ctx.prometheus.reader.query(`count(${s.metric})`, now);
      const count = result[0]?.points[0]?.v ?? 0;
      if (count > 0) present.push(s.metric);
      else missing.push(s);
    } catch (err) {
      return warn(BASE, `count(${s.metric}) failed: ${errorText(err)}`, 'run the doctor again once Prometheus answers');
    }
  }
  if (missing.length > 0) {
    const sources = [...new Set(missing.map((m) => m.source))];
    return warn(BASE, `no series from ${describeMissing(missing)}`, `${sources.map((s) => SOURCE_FIX[s]).join('; ')} (kube-prometheus-stack does both)`);
  }
  return ok(BASE, `all ${present.length} series the agent reads are present (cAdvisor, kube-state-metrics)`);
}
