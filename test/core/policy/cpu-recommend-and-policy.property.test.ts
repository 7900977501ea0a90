// Properties of the CPU recommendation + policy pair, over any current CPU limit and request,
// any throttling figures and any policy: what can be approved always raises the limit that
// throttles the container, never passes a cap, never leaves the request above the limit, and is
// the quantity the message and the change to apply show.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Detection, Diagnosis, IncidentReport } from '../../../src/core/model.ts';
import { evaluatePolicy } from '../../../src/core/policy/evaluate.ts';
import { PolicySchema, type Policy } from '../../../src/core/policy/schema.ts';
import { toMillicores } from '../../../src/core/cpu-quantity.ts';
import { approvedChange } from '../../../src/core/recommend/approved.ts';
import { recommendCpu } from '../../../src/core/recommend/cpu.ts';
import { remediationPlan } from '../../../src/core/render/remediation-plan.ts';
import { renderIncidentMessage } from '../../../src/core/render/incident-blocks.ts';
import { cpuThrottled } from '../../fixtures/detections/cpu.ts';
import { incidentReport } from '../../fixtures/incidents/report.ts';

/** A CPU quantity written the ways manifests write them: "250m", "1", "1.5", "0.1". */
const cpuQuantity = fc
  .tuple(fc.integer({ min: 1, max: 64_000 }), fc.constantFrom('m', 'cores', 'decimal'))
  .map(([milli, unit]) => (unit === 'm' ? `${milli}m` : unit === 'cores' ? String(Math.max(1, Math.round(milli / 1000))) : String(Math.round(milli / 100) / 10 || 0.1)));

const detection = fc
  .record({
    limit: fc.option(cpuQuantity, { nil: undefined }),
    request: fc.option(cpuQuantity, { nil: undefined }),
    quota: fc.option(fc.double({ min: 0.001, max: 64, noNaN: true }), { nil: undefined }),
    ratio: fc.double({ min: 0, max: 1, noNaN: true }),
    usage: fc.option(fc.double({ min: 0, max: 64, noNaN: true }), { nil: undefined }),
    held: fc.option(fc.double({ min: 0, max: 64, noNaN: true }), { nil: undefined }),
  })
  .map(({ limit, request, quota, ratio, usage, held }): Detection => {
    const { cpuLimit: _l, cpuRequest: _r, cpu: _c, ...rest } = cpuThrottled;
    return {
      ...rest,
      ...(limit !== undefined ? { cpuLimit: limit } : {}),
      ...(request !== undefined ? { cpuRequest: request } : {}),
      cpu: {
        throttledRatio: ratio,
        ...(usage !== undefined ? { usageCores: usage } : {}),
        ...(held !== undefined ? { throttledSecondsPerSecond: held } : {}),
        ...(quota !== undefined ? { limitCores: quota } : {}),
      },
    };
  });

const policy = fc
  .record({ max: cpuQuantity, factor: fc.double({ min: 1, max: 100, noNaN: true }) })
  .map(({ max, factor }): Policy => PolicySchema.parse({
    apiVersion: 'kube-ai-sre/v1', kind: 'MemoryPolicy', metadata: { name: 'any' },
    spec: { namespaces: ['*'], maxMemoryLimit: '4Gi', maxCpuLimit: max, maxIncreaseFactor: factor, approvers: ['U0123ABCD'] },
  }));

const diagnosis: Diagnosis = { source: 'llm', model: 'mistral', promptVersion: 'diagnosis-v1', rootCauses: ['CPU limit too low'], explanation: '', confidence: 0.9, evidence: [], suggestedLimit: '1Ki' };
const scenario = fc.record({ d: detection, p: policy });
const milli = (q: string | undefined) => (q === undefined ? undefined : toMillicores(q));

function run({ d, p }: { d: Detection; p: Policy }) {
  const recommendation = recommendCpu(d);
  const verdict = evaluatePolicy([p], { detection: d, recommendation, diagnosis });
  return { recommendation, verdict };
}

describe('CPU recommendation and policy, for any limits, throttling and policy', () => {
  it('an approvable CPU limit raises the current one and stays within both caps', () => {
    fc.assert(fc.property(scenario, (s) => {
      const { verdict } = run(s);
      if (!verdict.allowed) return;
      const approved = milli(verdict.recommendedLimit)!;
      expect(approved).toBeGreaterThan(0);
      expect(approved).toBeLessThanOrEqual(milli(s.p.spec.maxCpuLimit)!);
      const current = milli(s.d.cpuLimit);
      if (current !== undefined && current > 0) {
        expect(approved).toBeGreaterThan(current);
        expect(approved).toBeLessThanOrEqual(current * s.p.spec.maxIncreaseFactor + 1e-6);
      }
    }), { numRuns: 2000 });
  });

  it('the recommendation is never at or below the limit that throttles it', () => {
    fc.assert(fc.property(detection, (d) => {
      const r = recommendCpu(d);
      if (r.rule === 'none') return;
      const current = milli(d.cpuLimit) || (d.cpu?.limitCores ?? 0) * 1000;
      expect(milli(r.limit)!).toBeGreaterThan(current);
      if (r.request !== undefined) expect(milli(r.request)!).toBeLessThanOrEqual(milli(r.limit)!);
    }), { numRuns: 2000 });
  });

  it('the message, the change to apply and the approval all name the approved CPU limit', () => {
    fc.assert(fc.property(scenario, (s) => {
      const { recommendation, verdict } = run(s);
      if (!verdict.allowed) return;
      const report: IncidentReport = { ...incidentReport(), detection: s.d, recommendation, verdict };
      const planned = approvedChange(report);
      expect(planned.resource).toBe('cpu');
      if (planned.request !== undefined) expect(milli(planned.request)!).toBeLessThanOrEqual(milli(planned.limit)!);
      const plan = remediationPlan(report);
      expect(plan.command).toContain(`--limits=cpu=${planned.limit}`);
      const text = JSON.stringify(renderIncidentMessage(report).blocks);
      expect(text).toContain(`Records your approval of CPU limit ${planned.limit}`);
    }), { numRuns: 500 });
  });
});
