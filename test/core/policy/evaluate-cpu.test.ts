// The policy gate for CPU limits: the same ceilings as memory (max limit, max increase factor),
// and a throttled container's CPU limit is only ever raised, whatever the model says.
import { describe, expect, it } from 'vitest';
import { evaluatePolicy } from '../../../src/core/policy/evaluate.ts';
import { PolicySchema, type Policy, type PolicyInput } from '../../../src/core/policy/schema.ts';
import { recommendCpu } from '../../../src/core/recommend/cpu.ts';
import type { Detection, Diagnosis, Recommendation } from '../../../src/core/model.ts';
import { cpuThrottled } from '../../fixtures/detections/cpu.ts';

function policy(spec: Partial<PolicyInput['spec']> = {}): Policy {
  return PolicySchema.parse({
    apiVersion: 'kube-ai-sre/v1', kind: 'MemoryPolicy', metadata: { name: 'default' },
    spec: { namespaces: ['*'], maxMemoryLimit: '4Gi', approvers: ['U0123ABCD'], ...spec },
  });
}

const diagnosis: Diagnosis = {
  source: 'llm', model: 'mistral', promptVersion: 'diagnosis-v1', rootCauses: ['CPU limit too low for the request rate'],
  explanation: 'Throttled at its limit.', confidence: 0.8, evidence: [], suggestedLimit: '64Mi',
};
const cpuRec = (limit: string): Recommendation => ({ resource: 'cpu', limit, rule: 'cpu-throttling-demand', basis: `test ${limit}` });
const d = (over: Partial<Detection> = {}): Detection => ({ ...cpuThrottled, ...over });

describe('evaluatePolicy for CPU limits', () => {
  it.each([
    { name: 'within both ceilings', p: policy(), d: d(), r: cpuRec('1100m'), allowed: true, limit: '1100m', clamped: false, reason: /^CPU increase ×2\.2 \(500m → 1100m\) is within max ×4$/ },
    { name: 'above max CPU limit: clamped to it', p: policy({ maxCpuLimit: '800m' }), d: d(), r: cpuRec('1100m'), allowed: true, limit: '800m', clamped: true, reason: /^recommended CPU limit 1100m is above max 800m: clamped to 800m$/ },
    { name: 'above the increase factor: clamped down to a step', p: policy({ maxIncreaseFactor: 1.5 }), d: d(), r: cpuRec('1100m'), allowed: true, limit: '750m', clamped: true, reason: /^CPU increase ×2\.2 \(500m → 1100m\) is above max ×1\.5: clamped to 750m$/ },
    { name: 'a factor that rounds to the current limit leaves no room', p: policy({ maxIncreaseFactor: 1.05 }), d: d(), r: cpuRec('1100m'), allowed: false, limit: '500m', clamped: true, reason: /^policy leaves no room above the current CPU limit 500m/ },
    { name: 'a decrease is denied', p: policy(), d: d(), r: cpuRec('400m'), allowed: false, limit: '400m', clamped: false, reason: /^recommended 400m is below the current CPU limit 500m .*needs more CPU, not less; denied$/ },
    { name: 'the same limit is denied', p: policy(), d: d(), r: cpuRec('0.5'), allowed: false, limit: '0.5', clamped: false, reason: /does not raise the current CPU limit 500m/ },
    { name: 'no limit in the spec: the factor is not checked', p: policy(), d: d({ cpuLimit: undefined }), r: cpuRec('800m'), allowed: true, limit: '800m', clamped: false, reason: /^no current CPU limit in the pod spec: increase factor not checked$/ },
    { name: 'nothing recommended', p: policy(), d: d({ cpu: undefined }), r: recommendCpu(d({ cpu: undefined })), allowed: false, limit: undefined, clamped: false, reason: /^no recommended CPU limit \(.*\): nothing to approve$/ },
  ])('$name', ({ p, d: detection, r, allowed, limit, clamped, reason }) => {
    const v = evaluatePolicy([p], { detection, recommendation: r, diagnosis });
    expect(v).toMatchObject({ allowed, clamped, policyName: 'default' });
    expect(v.recommendedLimit).toBe(limit);
    expect(v.reasons.some((x) => reason.test(x)), v.reasons.join('\n')).toBe(true);
    // The model's memory figure is never weighed against a CPU limit.
    expect(v.reasons.join('\n')).not.toMatch(/model suggested/);
  });

  it('defaults the CPU ceiling to 4 cores and refuses a policy with an unreadable one, naming the field', () => {
    expect(policy().spec.maxCpuLimit).toBe('4');
    const bad = PolicySchema.safeParse({ apiVersion: 'kube-ai-sre/v1', kind: 'MemoryPolicy', metadata: { name: 'x' }, spec: { namespaces: ['*'], maxMemoryLimit: '4Gi', maxCpuLimit: '4Gi' } });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0]).toMatchObject({ path: ['spec', 'maxCpuLimit'], message: 'not a CPU quantity like "500m" or "2" ("4Gi")' });
  });
});
