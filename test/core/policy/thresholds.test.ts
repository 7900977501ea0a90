// Per-namespace detection thresholds in policies: the most specific policy's, each one it leaves
// out from the agent's settings; a wrong value names its file field.
import { describe, expect, it } from 'vitest';
import { detectionThresholds, effectivePolicy } from '../../../src/core/policy/evaluate.ts';
import { PolicySchema, type Policy, type PolicyInput } from '../../../src/core/policy/schema.ts';

const policy = (name: string, spec: Partial<PolicyInput['spec']>): Policy =>
  PolicySchema.parse({ apiVersion: 'kube-ai-sre/v1', kind: 'MemoryPolicy', metadata: { name }, spec: { namespaces: ['*'], maxMemoryLimit: '4Gi', ...spec } });

const defaults = { crashLoopRestarts: 3, cpuThrottlingPercent: 25, cpuThrottlingMinutes: 15 };
const policies = [
  policy('default', {}),
  policy('batch', { namespaces: ['batch-*'], thresholds: { crashLoopRestarts: 10, cpuThrottlingPercent: 0 } }),
  policy('latency', { namespaces: ['checkout'], thresholds: { cpuThrottlingPercent: 10, cpuThrottlingMinutes: 5 } }),
];

describe('detectionThresholds', () => {
  it.each([
    { ns: 'demo', expected: defaults },
    { ns: 'batch-nightly', expected: { crashLoopRestarts: 10, cpuThrottlingPercent: 0, cpuThrottlingMinutes: 15 } },
    { ns: 'checkout', expected: { crashLoopRestarts: 3, cpuThrottlingPercent: 10, cpuThrottlingMinutes: 5 } },
  ])('$ns → $expected', ({ ns, expected }) => {
    expect(detectionThresholds(policies, ns, defaults)).toEqual(expected);
  });

  it('uses the settings where no policy covers the namespace', () => {
    expect(detectionThresholds([policies[2]!], 'demo', defaults)).toEqual(defaults);
  });

  it('shows what a policy changes in /sre policy', () => {
    expect(effectivePolicy(policies, 'batch-nightly').lines).toContain('thresholds: crash loop after 10 restarts, CPU throttling not detected');
    expect(effectivePolicy(policies, 'checkout').lines).toContain('thresholds: CPU throttling at 10%, sustained 5 min');
    expect(effectivePolicy(policies, 'demo').lines.some((l) => l.startsWith('thresholds'))).toBe(false);
  });

  it.each([
    { thresholds: { crashLoopRestarts: 0 }, path: ['spec', 'thresholds', 'crashLoopRestarts'] },
    { thresholds: { crashLoopRestarts: 2.5 }, path: ['spec', 'thresholds', 'crashLoopRestarts'] },
    { thresholds: { cpuThrottlingPercent: 150 }, path: ['spec', 'thresholds', 'cpuThrottlingPercent'] },
    { thresholds: { cpuThrottlingMinutes: 0 }, path: ['spec', 'thresholds', 'cpuThrottlingMinutes'] },
    { thresholds: { restarts: 5 }, path: ['spec', 'thresholds'] },
  ])('refuses thresholds $thresholds at $path', ({ thresholds, path }) => {
    const r = PolicySchema.safeParse({ apiVersion: 'kube-ai-sre/v1', kind: 'MemoryPolicy', metadata: { name: 'x' }, spec: { namespaces: ['*'], maxMemoryLimit: '4Gi', thresholds } });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.path).toEqual(path);
  });
});
