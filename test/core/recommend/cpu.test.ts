import { describe, expect, it } from 'vitest';
import { recommendCpu } from '../../../src/core/recommend/cpu.ts';
import { requestWithinLimit } from '../../../src/core/recommend/approved.ts';
import { toMillicores } from '../../../src/core/cpu-quantity.ts';
import { recommend } from '../../../src/core/recommend/recommend.ts';
import { cpuThrottled } from '../../fixtures/detections/cpu.ts';
import { oomKilled } from '../../fixtures/detections/memory.ts';
import type { Detection } from '../../../src/core/model.ts';

const with_ = (over: Partial<Detection>): Detection => ({ ...cpuThrottled, ...over });

describe('recommendCpu', () => {
  it.each([
    {
      name: 'demand (usage + time held back) with headroom dominates',
      d: cpuThrottled,
      limit: '1100m',
      request: '250m',
      basis: 'limit 500m throttled in 78% of CFS periods → at least max(500m×1.78, +100m) = 890m; used 490m + held back 0.4 s/s ≈ demand 890m ×1.2 = 1.07 cores → 1100m',
    },
    {
      name: 'the throttled share dominates when little time is held back',
      d: with_({ cpu: { throttledRatio: 0.9, usageCores: 0.5, throttledSecondsPerSecond: 0.05 } }),
      limit: '950m',
      request: '250m',
      basis: 'limit 500m throttled in 90% of CFS periods → at least max(500m×1.9, +100m) = 950m; used 500m + held back 0.05 s/s ≈ demand 550m ×1.2 = 660m → 950m',
    },
    {
      name: 'a small limit still rises by at least 100m',
      d: with_({ cpuLimit: '100m', cpuRequest: undefined, cpu: { throttledRatio: 0.3 } }),
      limit: '200m',
      request: undefined,
      basis: 'limit 100m throttled in 30% of CFS periods → at least max(100m×1.3, +100m) = 200m → 200m',
    },
    {
      name: 'no limit in the spec: the measured CFS quota is the current limit',
      d: with_({ cpuLimit: undefined, cpu: { throttledRatio: 0.85, usageCores: 0.235, throttledSecondsPerSecond: 0.425, limitCores: 0.25 } }),
      limit: '800m',
      request: '250m',
      basis: 'CFS quota 250m throttled in 85% of CFS periods → at least max(250m×1.85, +100m) = 463m; used 235m + held back 0.43 s/s ≈ demand 660m ×1.2 = 792m → 800m',
    },
    {
      name: 'a request above the new limit is lowered to it',
      d: with_({ cpuLimit: '200m', cpuRequest: '2', cpu: { throttledRatio: 0.5 } }),
      limit: '300m',
      request: '300m',
      basis: 'limit 200m throttled in 50% of CFS periods → at least max(200m×1.5, +100m) = 300m → 300m',
    },
  ])('$name', ({ d, limit, request, basis }) => {
    const r = recommendCpu(d);
    expect(r).toMatchObject({ resource: 'cpu', rule: 'cpu-throttling-demand', limit, basis });
    expect(r.request).toBe(request);
    expect(r.limitMillicores).toBe(toMillicores(limit));
    // Never at or below the limit that throttles it.
    expect(toMillicores(r.limit)!).toBeGreaterThan(toMillicores(d.cpuLimit ?? `${(d.cpu!.limitCores ?? 0) * 1000}m`)!);
  });

  it.each([
    { name: 'no limit and no measured quota', d: with_({ cpuLimit: undefined, cpu: { throttledRatio: 0.8 } }), basis: /^no CPU limit or CFS quota is known/ },
    { name: 'an unreadable limit and no measured quota', d: with_({ cpuLimit: 'lots', cpu: { throttledRatio: 0.8 } }), basis: /^no CPU limit or CFS quota is known/ },
    { name: 'no throttling figures', d: with_({ cpu: undefined }), basis: /^no throttling figures were measured for limit 500m/ },
  ])('recommends nothing with $name', ({ d, basis }) => {
    const r = recommendCpu(d);
    expect(r).toMatchObject({ resource: 'cpu', rule: 'none', limit: '' });
    expect(r.basis).toMatch(basis);
  });
});

describe('recommend', () => {
  it('sends CPU incidents to the CPU rule and memory incidents to the memory rule', () => {
    expect(recommend(cpuThrottled)).toMatchObject({ resource: 'cpu', rule: 'cpu-throttling-demand' });
    expect(recommend(oomKilled)).toMatchObject({ rule: 'vpa-oom-bump', limit: '176Mi' });
    expect(recommend(oomKilled).resource).toBeUndefined();
  });
});

describe('requestWithinLimit with CPU quantities', () => {
  it.each([
    { request: '250m', limit: '1', out: '250m' },
    { request: '2', limit: '1500m', out: '1500m' },
    { request: 'lots', limit: '1', out: undefined },
    { request: '300m', limit: '', out: '300m' },
    { request: undefined, limit: '1', out: undefined },
  ])('$request within $limit → $out', ({ request, limit, out }) => expect(requestWithinLimit(request, limit, toMillicores)).toBe(out));
});
