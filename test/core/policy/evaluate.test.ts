import { describe, expect, it } from 'vitest';
import { effectivePolicy, evaluatePolicy, familyReported, globMatch } from '../../../src/core/policy/evaluate.ts';
import { PolicySchema } from '../../../src/core/policy/schema.ts';
import type { Policy, PolicyInput } from '../../../src/core/policy/schema.ts';
import { recommendMemory } from '../../../src/core/recommend/memory.ts';
import type { Detection, Diagnosis, Recommendation } from '../../../src/core/model.ts';
import { toBytes } from '../../../src/core/quantity.ts';
import { crashLoop, detection, evicted, leakForecast, oomKilled } from '../../fixtures/detections/memory.ts';

function policy(name: string, spec: Partial<PolicyInput['spec']>): Policy {
  return PolicySchema.parse({
    apiVersion: 'kube-ai-sre/v1',
    kind: 'MemoryPolicy',
    metadata: { name },
    spec: { namespaces: ['*'], maxMemoryLimit: '4Gi', ...spec },
  });
}

const defaults = policy('default', {
  protectedNamespaces: ['kube-system', 'kube-public'],
  approvers: ['U0123ABCD'],
  maxIncreaseFactor: 4,
});
const prod = policy('prod', {
  namespaces: ['prod', 'prod-*'],
  protectedNamespaces: ['payments'],
  maxMemoryLimit: '2Gi',
  maxIncreaseFactor: 2,
  minConfidence: 0.6,
  approvers: ['U0SRE1', 'W0SRE2'],
});
const policies = [defaults, prod];

const llmDiagnosis: Diagnosis = {
  source: 'llm',
  model: 'mistral',
  promptVersion: 'diagnosis-v1',
  rootCauses: ['heap too small'],
  explanation: 'The heap outgrew the limit.',
  confidence: 0.8,
  evidence: ['FATAL ERROR: Reached heap limit'],
};

function rec(limit: string, bytes: number): Recommendation {
  return { limit, limitBytes: bytes, rule: 'vpa-oom-bump', basis: `test ${limit}` };
}

const Mi = 1024 ** 2;
const Gi = 1024 ** 3;

describe('evaluatePolicy', () => {
  const cases: Array<{
    name: string;
    d: Detection;
    r?: Recommendation;
    dx?: Partial<Diagnosis>;
    expect: { allowed: boolean; policyName: string; recommendedLimit?: string; clamped: boolean };
    reason: RegExp;
  }> = [
    {
      name: 'within every limit',
      d: oomKilled,
      expect: { allowed: true, policyName: 'default', recommendedLimit: '176Mi', clamped: false },
      reason: /increase ×2\.75 \(64Mi → 176Mi\) is within max ×4/,
    },
    {
      name: 'protected namespace is denied',
      d: detection(oomKilled, { namespace: 'kube-system' }),
      expect: { allowed: false, policyName: 'default', recommendedLimit: '176Mi', clamped: false },
      reason: /namespace kube-system is protected \(by default\): denied/,
    },
    {
      name: 'protection from another policy still applies under a more specific policy',
      d: detection(oomKilled, { namespace: 'payments' }),
      expect: { allowed: false, policyName: 'default', recommendedLimit: '176Mi', clamped: false },
      reason: /protected \(by prod\)/,
    },
    {
      name: 'above max limit is clamped to the max',
      d: detection(oomKilled, { memoryLimit: '3584Mi', memoryRequest: undefined }),
      expect: { allowed: true, policyName: 'default', recommendedLimit: '4Gi', clamped: true },
      reason: /recommended 4352Mi is above max 4Gi: clamped to 4Gi\nincrease ×1\.14 \(3584Mi → 4Gi\) is within max ×4/,
    },
    {
      name: 'above max factor is clamped to current × factor',
      d: detection(oomKilled, { namespace: 'prod', memoryLimit: '64Mi' }),
      expect: { allowed: true, policyName: 'prod', recommendedLimit: '128Mi', clamped: true },
      reason: /increase ×2\.75 \(64Mi → 176Mi\) is above max ×2: clamped to 128Mi/,
    },
    {
      name: 'clamped to no increase at all is denied',
      d: detection(oomKilled, { namespace: 'prod-eu', memoryLimit: '2Gi', memoryRequest: undefined }),
      expect: { allowed: false, policyName: 'prod', recommendedLimit: '2Gi', clamped: true },
      reason: /policy leaves no room above the current limit 2Gi/,
    },
    {
      name: 'no recommendation is denied',
      d: detection(oomKilled, { memoryLimit: undefined, memoryRequest: undefined }),
      expect: { allowed: false, policyName: 'default', clamped: false },
      reason: /nothing to approve/,
    },
    {
      name: 'missing current limit skips the factor check',
      d: detection(oomKilled, { memoryLimit: undefined, memoryRequest: '256Mi' }),
      expect: { allowed: true, policyName: 'default', recommendedLimit: '368Mi', clamped: false },
      reason: /no current memory limit: increase factor not checked/,
    },
    {
      name: 'low confidence asks for care but does not deny',
      d: detection(oomKilled, { namespace: 'prod', memoryLimit: '128Mi' }),
      dx: { confidence: 0.2 },
      expect: { allowed: true, policyName: 'prod', recommendedLimit: '240Mi', clamped: false },
      reason: /model confidence 0\.2 is below 0\.6: read the evidence carefully/,
    },
  ];

  it.each(cases)('$name', ({ d, r, dx, expect: want, reason }) => {
    const recommendation = r ?? recommendMemory(d);
    const v = evaluatePolicy(policies, { detection: d, recommendation, diagnosis: { ...llmDiagnosis, ...dx } });
    expect(v).toMatchObject(want);
    if (want.recommendedLimit === undefined) expect(v.recommendedLimit).toBeUndefined();
    expect(v.reasons.join('\n')).toMatch(reason);
    expect(v.autoRemediation).toBe(false);
  });

  it('gives a reason for every check, in order', () => {
    const v = evaluatePolicy(policies, { detection: oomKilled, recommendation: recommendMemory(oomKilled), diagnosis: llmDiagnosis });
    expect(v.reasons).toEqual([
      'policy default applies to namespace demo (matched "*")',
      'namespace demo is not protected',
      'recommended 176Mi is within max 4Gi',
      'increase ×2.75 (64Mi → 176Mi) is within max ×4',
      'model confidence 0.8 meets minimum 0',
      'approvers: U0123ABCD',
      'auto-remediation off: approving records a decision, a human applies the change',
    ]);
    expect(v.approvers).toEqual(['U0123ABCD']);
  });

  it('clamps to the max limit and says so', () => {
    const v = evaluatePolicy(policies, {
      detection: detection(oomKilled, { memoryLimit: '2Gi' }),
      recommendation: rec('6Gi', 6 * Gi),
      diagnosis: llmDiagnosis,
    });
    expect(v.recommendedLimit).toBe('4Gi');
    expect(v.clamped).toBe(true);
    expect(v.reasons).toContain('recommended 6Gi is above max 4Gi: clamped to 4Gi');
  });

  it.each([
    { suggested: '1Ti', want: /model suggested 1Ti \(deterministic 176Mi, above max 4Gi\): shown only, never applied/ },
    { suggested: '8Gi', want: /model suggested 8Gi/ },
    { suggested: '128Mi', want: /model suggested 128Mi \(deterministic 176Mi\)/ },
    { suggested: 'unlimited', want: /model suggestion "unlimited" is not a memory quantity: ignored/ },
  ])('the model suggestion $suggested never changes the verdict', ({ suggested, want }) => {
    const base = evaluatePolicy(policies, { detection: oomKilled, recommendation: recommendMemory(oomKilled), diagnosis: llmDiagnosis });
    const v = evaluatePolicy(policies, {
      detection: oomKilled,
      recommendation: recommendMemory(oomKilled),
      diagnosis: { ...llmDiagnosis, suggestedLimit: suggested, confidence: 1 },
    });
    expect({ ...v, reasons: [] }).toEqual({ ...base, reasons: [] });
    expect(v.reasons.join('\n')).toMatch(want);
  });

  it('denies a namespace no policy covers', () => {
    const v = evaluatePolicy([prod], { detection: oomKilled, recommendation: recommendMemory(oomKilled), diagnosis: llmDiagnosis });
    expect(v).toMatchObject({ allowed: false, policyName: 'none', approvers: [], clamped: false });
    expect(v.reasons).toEqual(['no policy covers namespace demo: denied']);
  });

  it('says nobody can approve when no approvers are listed', () => {
    const v = evaluatePolicy([policy('open', {})], { detection: oomKilled, recommendation: recommendMemory(oomKilled), diagnosis: llmDiagnosis });
    expect(v.reasons).toContain('no approvers listed: nobody can approve');
    expect(v.approvers).toEqual([]);
  });

  it('treats a rule-based diagnosis the same way', () => {
    const v = evaluatePolicy(policies, {
      detection: detection(oomKilled, { namespace: 'prod', memoryLimit: '100Mi' }),
      recommendation: rec('200Mi', 200 * Mi),
      diagnosis: { ...llmDiagnosis, source: 'rule-based', confidence: 0.5 },
    });
    expect(v.reasons).toContain('rule-based confidence 0.5 is below 0.6: read the evidence carefully before deciding');
    expect(v.recommendedLimit).toBe('200Mi');
  });
});

describe('evaluatePolicy: limits for containers short of memory only ever rise', () => {
  const leak = detection(leakForecast, { memoryLimit: '512Mi', memoryRequest: '512Mi' });
  const kinds = [
    { kind: 'OOMKilled', d: detection(oomKilled, { memoryLimit: '512Mi' }), why: 'was OOM-killed' },
    { kind: 'OOMCrashLoop', d: detection(crashLoop, { memoryLimit: '512Mi' }), why: 'keeps being OOM-killed' },
    { kind: 'EvictedMemory', d: detection(evicted, { namespace: 'demo', memoryLimit: '512Mi' }), why: 'was evicted for memory' },
    { kind: 'MemoryLeakForecast', d: leak, why: 'is leaking towards its limit' },
  ];

  it.each(kinds)('$kind: a decrease is denied with the reason, whatever the model says', ({ d, why }) => {
    const v = evaluatePolicy(policies, {
      detection: d,
      recommendation: rec('352Mi', 352 * Mi),
      diagnosis: { ...llmDiagnosis, suggestedLimit: '256Mi', confidence: 1 },
    });
    expect(v.allowed).toBe(false);
    expect(v.reasons).toContain(`recommended 352Mi is below the current limit 512Mi (512Mi): a container that ${why} needs more memory, not less; denied`);
    expect(v.reasons).toContain(
      'model suggested 256Mi (deterministic 352Mi, below the current limit 512Mi: a decrease would bring the next kill sooner): shown only, never applied',
    );
    expect(v.reasons.join('\n')).not.toMatch(/increase ×/);
  });

  it.each(kinds)('$kind: keeping the same limit is denied too', ({ d }) => {
    const v = evaluatePolicy(policies, { detection: d, recommendation: rec('0.5Gi', 512 * Mi), diagnosis: llmDiagnosis });
    expect(v.allowed).toBe(false);
    expect(v.reasons.join('\n')).toMatch(/recommended 0\.5Gi does not raise the current limit 512Mi \(512Mi\)/);
  });

  it('the 512Mi/300Mi leak: the deterministic recommendation is an increase and is allowed', () => {
    const recommendation = recommendMemory(leak, { observedPeakBytes: 300 * Mi });
    const v = evaluatePolicy(policies, { detection: leak, recommendation, diagnosis: llmDiagnosis });
    expect(v).toMatchObject({ allowed: true, recommendedLimit: '592Mi', clamped: false });
    expect(v.reasons).toContain('increase ×1.16 (512Mi → 592Mi) is within max ×4');
  });

  it('a suggestion above the current limit is not called a decrease', () => {
    const v = evaluatePolicy(policies, { detection: leak, recommendation: rec('592Mi', 592 * Mi), diagnosis: { ...llmDiagnosis, suggestedLimit: '1Gi' } });
    expect(v.reasons).toContain('model suggested 1Gi (deterministic 592Mi): shown only, never applied');
  });
});

describe('evaluatePolicy: caps land on the safe side of their rounding step', () => {
  it.each([
    // 100Mi × 2 = 200Mi is between the 192Mi and 208Mi steps: the cap rounds down, never up.
    { name: 'factor cap between steps rounds down', current: '100Mi', recommended: '400Mi', factor: 2, max: '4Gi', want: '192Mi' },
    { name: 'factor cap on a step stays on it', current: '64Mi', recommended: '176Mi', factor: 2, max: '4Gi', want: '128Mi' },
    { name: 'factor cap above 1Gi rounds down to 128Mi steps', current: '1000Mi', recommended: '4Gi', factor: 1.5, max: '8Gi', want: '1408Mi' },
    // One rounding step above the max is still above it.
    { name: 'one step above the max is clamped', current: '3Gi', recommended: '4224Mi', factor: 4, max: '4Gi', want: '4Gi' },
    { name: '16Mi above a small max is clamped', current: '256Mi', recommended: '528Mi', factor: 4, max: '512Mi', want: '512Mi' },
    { name: 'exactly the max is kept', current: '3Gi', recommended: '4Gi', factor: 4, max: '4Gi', want: '4Gi', clamped: false },
  ])('$name', ({ current, recommended, factor, max, want, clamped = true }) => {
    const p = policy('caps', { maxMemoryLimit: max, maxIncreaseFactor: factor, approvers: ['U0CAPS1'] });
    const v = evaluatePolicy([p], {
      detection: detection(oomKilled, { memoryLimit: current, memoryRequest: undefined }),
      recommendation: rec(recommended, toBytes(recommended)!),
      diagnosis: llmDiagnosis,
    });
    expect(v).toMatchObject({ allowed: true, recommendedLimit: want, clamped });
    expect(toBytes(v.recommendedLimit!)!).toBeLessThanOrEqual(Math.min(toBytes(max)!, toBytes(current)! * factor));
  });
});

describe('effectivePolicy', () => {
  it.each([
    { ns: 'demo', policy: 'default', pattern: '*', protected: false },
    { ns: 'prod', policy: 'prod', pattern: 'prod', protected: false },
    { ns: 'prod-eu', policy: 'prod', pattern: 'prod-*', protected: false },
    { ns: 'kube-system', policy: 'default', pattern: '*', protected: true },
    { ns: 'production', policy: 'default', pattern: '*', protected: false },
  ])('$ns → $policy via $pattern', ({ ns, policy: name, pattern, protected: prot }) => {
    const e = effectivePolicy(policies, ns);
    expect(e.policy?.metadata.name).toBe(name);
    expect(e.matchedPattern).toBe(pattern);
    expect(e.protected).toBe(prot);
    expect(e.lines[0]).toBe(`policy ${name} applies (matched ${JSON.stringify(pattern)})`);
  });

  it('prefers an exact name over a longer pattern, and the longer pattern over a shorter one', () => {
    const a = policy('a', { namespaces: ['team-*'] });
    const b = policy('b', { namespaces: ['team-pay*'] });
    const c = policy('c', { namespaces: ['team-payments'] });
    expect(effectivePolicy([a, b], 'team-payments').policy?.metadata.name).toBe('b');
    expect(effectivePolicy([a, b, c], 'team-payments').policy?.metadata.name).toBe('c');
    expect(effectivePolicy([b, a], 'team-ops').policy?.metadata.name).toBe('a');
  });

  it('lists what applies for /sre policy', () => {
    expect(effectivePolicy(policies, 'kube-system').lines).toEqual([
      'policy default applies (matched "*")',
      'max memory limit 4Gi, max CPU limit 4, max increase ×4',
      'min confidence 0',
      'approvers: U0123ABCD',
      'namespace kube-system is protected (by default): never approvable',
      'auto-remediation: off, a human applies every change',
    ]);
    expect(effectivePolicy([prod], 'demo').policy).toBeUndefined();
  });
});

describe('globMatch', () => {
  it.each([
    ['*', 'anything', true],
    ['prod-*', 'prod-eu', true],
    ['prod-*', 'prod', false],
    ['*-staging', 'shop-staging', true],
    ['prod', 'prod', true],
    ['prod', 'prod2', false],
  ])('%s vs %s → %s', (p, n, want) => {
    expect(globMatch(p, n)).toBe(want);
  });
});

describe('families per namespace', () => {
  const quiet = policy('quiet', { namespaces: ['batch-*'], families: ['memory', 'node'], approvers: ['U0SRE1'] });
  const all = [defaults, quiet];

  it.each([
    ['demo', 'CrashLoop', true],
    ['batch-nightly', 'OOMKilled', true],
    ['batch-nightly', 'NodePressure', true],
    ['batch-nightly', 'CrashLoop', false],
    ['batch-nightly', 'ImagePullFailure', false],
    ['batch-nightly', 'RuntimeOOM', true],
  ] as const)('%s: %s reported = %s', (ns, kind, reported) => {
    expect(familyReported(all, ns, kind)).toBe(reported);
  });

  it('reports everything in a namespace no policy covers', () => {
    expect(familyReported([quiet], 'demo', 'Unschedulable')).toBe(true);
  });

  it('says which families a policy reports, only when it limits them', () => {
    expect(effectivePolicy(all, 'batch-nightly').lines).toContain('families reported: memory, node (not: crash, image, config, scheduling, cpu, io, network)');
    expect(effectivePolicy(all, 'demo').lines.some((l) => l.startsWith('families'))).toBe(false);
  });

  it.each([
    [[], /list at least one family/],
    [['memory', 'disk'], /families/],
  ])('refuses families %j', (families, message) => {
    const r = PolicySchema.safeParse({ apiVersion: 'kube-ai-sre/v1', kind: 'MemoryPolicy', metadata: { name: 'x' }, spec: { namespaces: ['*'], maxMemoryLimit: '4Gi', families } });
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).toMatch(message);
  });
});
