import { describe, expect, it } from 'vitest';
import { recommendMemory } from '../../../src/core/recommend/memory.ts';
import { forecastLeak } from '../../../src/core/forecast/leak-forecast.ts';
import { toBytes } from '../../../src/core/quantity.ts';
import { crashLoop, detection, evicted, leakForecast, oomKilled } from '../../fixtures/detections/memory.ts';

const Mi = 1024 ** 2;

describe('recommendMemory (VPA OOM bump)', () => {
  it.each([
    { name: '64Mi limit: +100Mi dominates', d: oomKilled, limit: '176Mi', request: '32Mi', basis: 'limit at OOM 64Mi → max(64Mi+100Mi, 64Mi×1.2) = 164Mi → 176Mi' },
    { name: '1Gi limit: ×1.2 dominates', d: crashLoop, limit: '1280Mi', request: '512Mi', basis: 'limit at OOM 1Gi → max(1Gi+100Mi, 1Gi×1.2) = 1228.8Mi → 1280Mi' },
    { name: 'request above limit wins', d: detection(oomKilled, { memoryRequest: '300Mi', memoryLimit: '128Mi' }), limit: '400Mi', request: '300Mi', basis: 'request 300Mi → max(300Mi+100Mi, 300Mi×1.2) = 400Mi → 400Mi' },
    { name: 'no limit: request is all there is', d: detection(oomKilled, { memoryLimit: undefined, memoryRequest: '256Mi' }), limit: '368Mi', request: '256Mi', basis: 'request 256Mi → max(256Mi+100Mi, 256Mi×1.2) = 356Mi → 368Mi' },
    { name: 'decimal quantities', d: detection(oomKilled, { memoryRequest: undefined, memoryLimit: '1.5Gi' }), limit: '1920Mi', request: undefined, basis: 'limit at OOM 1536Mi → max(1536Mi+100Mi, 1536Mi×1.2) = 1843.2Mi → 1920Mi' },
  ])('$name', ({ d, limit, request, basis }) => {
    const r = recommendMemory(d);
    expect(r).toMatchObject({ rule: 'vpa-oom-bump', limit, basis });
    expect(r.request).toBe(request);
    expect(r.limitBytes).toBe(toBytes(limit));
  });

  it('uses an observed peak above the limit', () => {
    const r = recommendMemory(oomKilled, { observedPeakBytes: 200 * Mi });
    expect(r.limit).toBe('304Mi');
    expect(r.basis).toMatch(/^observed peak 200Mi/);
  });

  it('ignores an observed peak below the limit (the OOM proves usage reached the limit)', () => {
    expect(recommendMemory(oomKilled, { observedPeakBytes: 10 * Mi }).limit).toBe('176Mi');
  });

  it('raises the request with the limit for evictions', () => {
    const r = recommendMemory(evicted);
    expect(r).toMatchObject({ rule: 'vpa-oom-bump', limit: '1280Mi', request: '1280Mi' });
  });

  it('names an unreadable quantity and works from what it can read', () => {
    const r = recommendMemory(detection(oomKilled, { memoryLimit: 'lots', memoryRequest: '64Mi' }));
    expect(r.limit).toBe('176Mi');
    expect(r.basis).toContain('ignored unreadable limit "lots"');
  });

  it.each([
    ['an OOM', detection(oomKilled, { memoryLimit: '64Mi', memoryRequest: 'a lot' }), {}],
    ['a leak forecast', leakForecast, { memoryRequest: 'a lot' }],
  ])('never carries an unreadable request into the change to apply (%s)', (_, d, over) => {
    // Kubernetes would refuse the object; the change names the limit only.
    const r = recommendMemory(detection(d, over));
    expect(r.limit).not.toBe('');
    expect(r).not.toHaveProperty('request');
  });

  it.each([
    { name: 'nothing known', d: detection(oomKilled, { memoryLimit: undefined, memoryRequest: undefined }), opts: {} },
    { name: 'only garbage', d: detection(oomKilled, { memoryLimit: 'unlimited', memoryRequest: undefined }), opts: { observedPeakBytes: Number.NaN } },
  ])('rule none when $name', ({ d, opts }) => {
    const r = recommendMemory(d, opts);
    expect(r).toMatchObject({ rule: 'none', limit: '', limitBytes: 0 });
    expect(r.basis).toMatch(/no memory limit, request or observed peak is known/);
  });
});

describe('recommendMemory (leak forecast: projected usage × 1.15, never below the limit)', () => {
  // A container at 512Mi/512Mi whose working set grows 2 MiB a minute and has reached 300Mi.
  const leaking = detection(leakForecast, { memoryLimit: '512Mi', memoryRequest: '512Mi' });
  const samples = Array.from({ length: 12 }, (_, i) => ({ at: new Date(Date.UTC(2026, 10, 28, 9, i * 5)).toISOString(), bytes: (190 + i * 10) * Mi }));
  const now = samples.at(-1)!.at;

  it('sizes the 512Mi/300Mi leak from the usage projected at the horizon and says how much time it buys', () => {
    const f = forecastLeak(samples, { limitBytes: 512 * Mi, horizonMinutes: 120, now });
    if (!f.forecast) throw new Error(`expected a forecast, got ${f.reason}`);
    expect(f.peakBytes).toBe(300 * Mi);
    expect(f.minutesToLimit).toBeCloseTo(106, 5);
    const d = { ...leaking, observedPeakBytes: f.peakBytes, trend: { slopeBytesPerMinute: f.slopeBytesPerMinute, minutesToLimit: f.minutesToLimit, horizonMinutes: 120 } };

    const r = recommendMemory(d, { observedPeakBytes: d.observedPeakBytes });
    // 512Mi + 2 MiB/min × (120 − 106) min = 540Mi; × 1.15 = 621Mi → 624Mi; (624 − 512) / 2 = 56 min bought.
    expect(r).toMatchObject({ rule: 'leak-projection', limit: '624Mi', limitBytes: 624 * Mi, request: '512Mi' });
    expect(r.limitBytes).toBeGreaterThanOrEqual(512 * Mi);
    expect(r.basis).toBe(
      'projected usage in 120 min 540Mi (the 512Mi limit is reached in about 1.8 hours, then +2 MiB/min for 14 min) → 540Mi×1.15 = 621Mi → 624Mi; '
        + 'buys about 56 minutes: at +2 MiB/min the working set reaches 624Mi in about 2.7 hours, the current 512Mi in about 1.8 hours; '
        + 'a leak keeps growing, so this buys time and does not fix it',
    );
  });

  it.each([
    {
      name: 'the 512Mi/300Mi leak with no growth rate kept: the current limit, never the lower peak',
      d: leaking, peak: 300 * Mi, limit: '592Mi', basis: /^current limit 512Mi → 512Mi×1\.15 = 588\.8Mi → 592Mi; no growth rate known, so the time this buys is unknown/,
    },
    {
      name: 'a peak above the limit wins',
      d: leaking, peak: 600 * Mi, limit: '704Mi', basis: /^observed peak 600Mi → 600Mi×1\.15 = 690Mi → 704Mi/,
    },
    {
      name: 'the limit is already passed: the whole horizon is projected past it',
      d: { ...leaking, trend: { slopeBytesPerMinute: 1 * Mi, minutesToLimit: 0, horizonMinutes: 60 } }, peak: 520 * Mi, limit: '672Mi',
      basis: /^projected usage in 60 min 572Mi \(the 512Mi limit is reached within a minute, then \+1 MiB\/min for 60 min\) → 572Mi×1\.15 = 657\.8Mi → 672Mi; buys about 2\.7 hours/,
    },
    {
      name: 'a trend that does not grow is ignored',
      d: { ...leaking, trend: { slopeBytesPerMinute: 0, minutesToLimit: 10, horizonMinutes: 60 } }, peak: undefined, limit: '592Mi', basis: /^current limit 512Mi/,
    },
    {
      name: 'no limit: the request is the floor',
      d: detection(leakForecast, { memoryLimit: undefined, memoryRequest: '256Mi' }), peak: 100 * Mi, limit: '304Mi', basis: /^request 256Mi/,
    },
  ])('$name', ({ d, peak, limit, basis }) => {
    const r = recommendMemory(d, { observedPeakBytes: peak });
    expect(r.rule).toBe('leak-projection');
    expect(r.limit).toBe(limit);
    expect(r.basis).toMatch(basis);
    const current = d.memoryLimit === undefined ? 0 : toBytes(d.memoryLimit)!;
    expect(r.limitBytes).toBeGreaterThan(current);
  });

  it('says so when nothing is known', () => {
    const r = recommendMemory(detection(leakForecast, { memoryLimit: undefined, memoryRequest: undefined }));
    expect(r.rule).toBe('none');
    expect(r.basis).toMatch(/no observed peak or memory limit is known/);
  });
});
