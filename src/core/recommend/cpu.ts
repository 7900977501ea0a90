// Deterministic CPU limit for a container throttled by its CFS quota. The kernel let it run
// `usage` cores and held it back for `throttled` seconds per second, so it wanted roughly
// usage + throttled cores; the new limit covers that with 20% headroom, and is never less than
// the current limit raised by the throttled share of periods (78% throttled → at least × 1.78) nor
// than the current limit + 100m. Rounded up with formatMillicores so it never lands below the arithmetic.
import type { Detection, Recommendation } from '../model.ts';
import { describeMillicores, formatMillicores, toMillicores } from '../cpu-quantity.ts';
import { requestWithinLimit } from './approved.ts';

const DEMAND_HEADROOM_RATIO = 1.2;
const MIN_BUMP_MILLICORES = 100;

export function recommendCpu(d: Detection): Recommendation {
  const spec = d.cpuLimit === undefined ? undefined : toMillicores(d.cpuLimit);
  const measured = d.cpu?.limitCores !== undefined ? d.cpu.limitCores * 1000 : undefined;
  const current = spec !== undefined && spec > 0 ? spec : measured;
  const from = spec !== undefined && spec > 0 ? `limit ${d.cpuLimit}` : `CFS quota ${describeMillicores(measured ?? 0)}`;
  if (current === undefined || current <= 0) return none('no CPU limit or CFS quota is known');
  if (!d.cpu) return none(`no throttling figures were measured for ${from}`);

  const ratio = d.cpu.throttledRatio;
  const steps: string[] = [];
  const floor = Math.max(current * (1 + ratio), current + MIN_BUMP_MILLICORES);
  steps.push(`${from} throttled in ${Math.round(ratio * 100)}% of CFS periods → at least max(${describeMillicores(current)}×${round2(1 + ratio)}, +100m) = ${describeMillicores(floor)}`);
  let needed = floor;
  const usage = d.cpu.usageCores;
  if (usage !== undefined) {
    const held = d.cpu.throttledSecondsPerSecond ?? 0;
    const demand = (usage + held) * 1000;
    const withHeadroom = demand * DEMAND_HEADROOM_RATIO;
    steps.push(`used ${describeMillicores(usage * 1000)} + held back ${round2(held)} s/s ≈ demand ${describeMillicores(demand)} ×1.2 = ${describeMillicores(withHeadroom)}`);
    needed = Math.max(needed, withHeadroom);
  }
  const out = formatMillicores(needed);
  const request = requestWithinLimit(d.cpuRequest, out, toMillicores);
  return {
    resource: 'cpu',
    limit: out,
    limitMillicores: toMillicores(out) ?? needed,
    ...(request !== undefined ? { request } : {}),
    rule: 'cpu-throttling-demand',
    basis: `${steps.join('; ')} → ${out}`,
  };
}

function none(basis: string): Recommendation {
  return { resource: 'cpu', limit: '', limitMillicores: 0, rule: 'none', basis: `${basis}; no CPU limit can be recommended` };
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
