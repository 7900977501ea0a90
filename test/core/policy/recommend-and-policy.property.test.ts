// Properties of the recommendation + policy pair, over any current limit, request, observed peak,
// growth line, model suggestion and policy: what can be approved never makes a container that is
// short of memory worse, never passes a cap, and is exactly the quantity people are shown.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Detection, Diagnosis, IncidentKind, IncidentReport } from '../../../src/core/model.ts';
import { evaluatePolicy, mustRaiseLimit } from '../../../src/core/policy/evaluate.ts';
import { PolicySchema, type Policy } from '../../../src/core/policy/schema.ts';
import { toBytes } from '../../../src/core/quantity.ts';
import { approvedLimit, approvedChange } from '../../../src/core/recommend/approved.ts';
import { recommendMemory } from '../../../src/core/recommend/memory.ts';
import { renderIncidentMessage } from '../../../src/core/render/incident-blocks.ts';
import { crashLoop, evicted, leakForecast, oomKilled } from '../../fixtures/detections/memory.ts';
import { incidentReport } from '../../fixtures/incidents/report.ts';

const Mi = 1024 ** 2;
// A process of a running container OOM-killed at its limit: no exit code, no restart.
const { exitCode: _exit, ...running } = oomKilled;
const processOom: Detection = { ...running, kind: 'ProcessOOM', reason: 'SystemOOM', restartCount: 0, facts: ['event SystemOOM: System OOM encountered, victim process: java, pid: 12345'] };
const BASE: Partial<Record<IncidentKind, Detection>> = {
  OOMKilled: oomKilled,
  OOMCrashLoop: crashLoop,
  EvictedMemory: { ...evicted, namespace: 'demo' },
  MemoryLeakForecast: leakForecast,
  ProcessOOM: processOom,
};

/** A memory quantity written the ways manifests write them: "640Mi", "1Gi", "671088640", "700M", "0.5Gi". */
const quantity = fc
  .tuple(fc.integer({ min: 1, max: 64 * 1024 }), fc.constantFrom('Mi', 'Gi', 'bytes', 'M', 'halfGi'))
  .map(([mi, unit]) => {
    if (unit === 'Gi') return `${Math.max(1, Math.round(mi / 1024))}Gi`;
    if (unit === 'bytes') return String(mi * Mi);
    if (unit === 'M') return `${Math.max(1, Math.round((mi * Mi) / 1e6))}M`;
    if (unit === 'halfGi') return `${Math.max(1, Math.round(mi / 512)) / 2}Gi`;
    return `${mi}Mi`;
  });

const trend = fc.record({
  slopeBytesPerMinute: fc.double({ min: 1024, max: 512 * Mi, noNaN: true }),
  minutesToLimit: fc.double({ min: 0, max: 1440, noNaN: true }),
  horizonMinutes: fc.integer({ min: 0, max: 10_080 }),
});

const detection = fc
  .record({
    kind: fc.constantFrom<IncidentKind>('OOMKilled', 'OOMCrashLoop', 'EvictedMemory', 'MemoryLeakForecast', 'ProcessOOM'),
    limit: fc.option(quantity, { nil: undefined }),
    request: fc.option(quantity, { nil: undefined }),
    trend: fc.option(trend, { nil: undefined }),
  })
  .map(({ kind, limit, request, trend: t }): Detection => {
    const { memoryLimit: _l, memoryRequest: _r, trend: _t, ...rest } = BASE[kind]!;
    return {
      ...rest,
      ...(limit !== undefined ? { memoryLimit: limit } : {}),
      ...(request !== undefined ? { memoryRequest: request } : {}),
      ...(t !== undefined && kind === 'MemoryLeakForecast' ? { trend: t } : {}),
    };
  });

const policy = fc
  .record({ max: quantity, factor: fc.double({ min: 1, max: 100, noNaN: true }) })
  .map(({ max, factor }): Policy =>
    PolicySchema.parse({
      apiVersion: 'kube-ai-sre/v1',
      kind: 'MemoryPolicy',
      metadata: { name: 'any' },
      spec: { namespaces: ['*'], maxMemoryLimit: max, maxIncreaseFactor: factor, approvers: ['U0123ABCD'] },
    }),
  );

const diagnosis = fc.record({
  suggestedLimit: fc.option(fc.oneof(quantity, fc.constantFrom('1Ti', '1Ki', 'unlimited', '0', '-5Gi')), { nil: undefined }),
  confidence: fc.double({ min: 0, max: 1, noNaN: true }),
}).map(({ suggestedLimit, confidence }): Diagnosis => ({
  source: 'llm',
  model: 'mistral',
  promptVersion: 'diagnosis-v1',
  rootCauses: ['heap too small'],
  explanation: 'The heap outgrew the limit.',
  confidence,
  evidence: ['FATAL ERROR: Reached heap limit'],
  ...(suggestedLimit !== undefined ? { suggestedLimit } : {}),
}));

const peak = fc.option(fc.integer({ min: 1, max: 64 * 1024 }).map((mi) => mi * Mi), { nil: undefined });

const scenario = fc.record({ d: detection, peak, p: policy, dx: diagnosis });

interface Scenario {
  d: Detection;
  peak: number | undefined;
  p: Policy;
  dx: Diagnosis;
}

function run({ d, peak: observed, p, dx }: Scenario) {
  const recommendation = recommendMemory(d, observed !== undefined ? { observedPeakBytes: observed } : {});
  const verdict = evaluatePolicy([p], { detection: d, recommendation, diagnosis: dx });
  return { recommendation, verdict };
}

const bytes = (q: string | undefined): number | undefined => (q === undefined ? undefined : toBytes(q));

describe('recommendation + policy properties', () => {
  it('an approvable limit is above the current one for OOM, eviction and leak incidents, and within every cap', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { recommendation, verdict } = run(s);
        if (!verdict.allowed) return;
        const approved = bytes(approvedLimit({ verdict, recommendation }))!;
        const current = bytes(s.d.memoryLimit);
        expect(approved).toBeGreaterThan(0);
        expect(approved).toBeLessThanOrEqual(bytes(s.p.spec.maxMemoryLimit)!);
        if (current !== undefined && current > 0) {
          if (mustRaiseLimit(s.d.kind)) expect(approved).toBeGreaterThan(current);
          expect(approved).toBeLessThanOrEqual(current * s.p.spec.maxIncreaseFactor);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('a recommendation for a container short of memory is never below its current limit', () => {
    fc.assert(
      fc.property(detection, peak, (d, observed) => {
        const r = recommendMemory(d, observed !== undefined ? { observedPeakBytes: observed } : {});
        const current = bytes(d.memoryLimit);
        if (r.rule === 'none' || current === undefined) return;
        expect(r.limitBytes).toBeGreaterThan(current);
        expect(bytes(r.limit)).toBe(r.limitBytes);
      }),
      { numRuns: 2000 },
    );
  });

  it('the request shown and recorded is never above the approved limit', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { recommendation, verdict } = run(s);
        if (recommendation.rule === 'none') return;
        const planned = approvedChange({ verdict, recommendation });
        if (recommendation.request !== undefined) expect(bytes(recommendation.request)).toBeLessThanOrEqual(recommendation.limitBytes!);
        const limit = bytes(planned.limit) ?? 0;
        // A cap can round to nothing (a 1Mi limit with ×1): that leaves no room and is never approvable.
        if (limit <= 0) expect(verdict.allowed).toBe(false);
        else if (planned.request !== undefined) expect(bytes(planned.request)).toBeLessThanOrEqual(limit);
      }),
      { numRuns: 2000 },
    );
  });

  it('the quantity shown on the Approve button is exactly the one the policy checked', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { recommendation, verdict } = run(s);
        if (!verdict.allowed) return;
        const checked = verdict.recommendedLimit!;
        const lastLimitReason = verdict.reasons.filter((r) => /^(recommended|increase) /.test(r)).at(-1)!;
        // The last cap the policy applied names the checked value: "… within max …" or "… clamped to X".
        expect(lastLimitReason.endsWith(`clamped to ${checked}`) || lastLimitReason.includes(`→ ${checked})`) || lastLimitReason.startsWith(`recommended ${checked} `)).toBe(true);
        const report: IncidentReport = { ...incidentReport(), detection: s.d, recommendation, verdict, diagnosis: s.dx };
        const approve = JSON.stringify(renderIncidentMessage(report).blocks);
        expect(approve).toContain(`Records your approval of memory limit ${checked} for`);
      }),
      { numRuns: 500 },
    );
  });

  it('the model suggestion never changes the verdict, only the reasons', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { suggestedLimit: _s, ...withoutSuggestion } = s.dx;
        const a = run(s).verdict;
        const b = run({ ...s, dx: withoutSuggestion }).verdict;
        expect({ ...a, reasons: [] }).toEqual({ ...b, reasons: [] });
      }),
      { numRuns: 1000 },
    );
  });
});
