import { describe, expect, it } from 'vitest';
import { recommendMemory } from '../../../src/core/recommend/memory.ts';
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
    { name: 'nothing known', d: detection(oomKilled, { memoryLimit: undefined, memoryRequest: undefined }), opts: {} },
    { name: 'only garbage', d: detection(oomKilled, { memoryLimit: 'unlimited', memoryRequest: undefined }), opts: { observedPeakBytes: Number.NaN } },
  ])('rule none when $name', ({ d, opts }) => {
    const r = recommendMemory(d, opts);
    expect(r).toMatchObject({ rule: 'none', limit: '', limitBytes: 0 });
    expect(r.basis).toMatch(/no memory limit, request or observed peak is known/);
  });
});

describe('recommendMemory (leak forecast, peak × 1.15)', () => {
  it('adds 15% headroom to the observed peak', () => {
    const r = recommendMemory(leakForecast, { observedPeakBytes: 480 * Mi });
    expect(r).toMatchObject({ rule: 'peak-headroom', limit: '560Mi', request: '256Mi' });
    expect(r.basis).toContain('peak 480Mi → 480Mi×1.15 = 552Mi → 560Mi');
  });

  it('falls back to the limit when no peak was observed', () => {
    const r = recommendMemory(leakForecast);
    expect(r.limit).toBe('592Mi');
    expect(r.basis).toMatch(/^limit \(no observed peak\) 512Mi/);
  });

  it('says so when nothing is known', () => {
    const r = recommendMemory(detection(leakForecast, { memoryLimit: undefined }));
    expect(r.rule).toBe('none');
  });
});
