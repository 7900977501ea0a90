import { describe, expect, it } from 'vitest';
import { ruleBasedDiagnosis, RULES_VERSION } from '../../../src/core/diagnosis/fallback.ts';
import { DiagnosisSchema } from '../../../src/core/model.ts';
import { crashLoop, detection, evicted, leakForecast, oomKilled } from '../../fixtures/detections/memory.ts';
import { context } from '../../fixtures/diagnosis/context.ts';

const evictedContext = {
  statusLines: ['pod status.reason=Evicted', 'pod status.message=The node was low on resource: memory. Threshold quantity: 100Mi, available: 91Mi. Container builder was using 880Mi, request is 256Mi.'],
  eventLines: ['Warning Evicted (x1) pod/report-builder-28991340-vx8kd: The node was low on resource: memory.', 'Normal Scheduled (x1) pod/report-builder-28991340-vx8kd: Successfully assigned batch/report-builder-28991340-vx8kd to worker-3'],
  logLines: [],
};

describe('ruleBasedDiagnosis', () => {
  it.each([
    {
      name: 'OOMKilled with a limit',
      d: oomKilled,
      ctx: context,
      explanation: /^Container app of pod demo\/checkout-6d8f7b9c5-x2klp exceeded its 64Mi memory limit and was killed by the kernel OOM killer \(exit 137\)\. It has restarted 5 times\./,
      cause: /reached the 64Mi limit/,
    },
    {
      name: 'OOMKilled without a limit',
      d: detection(oomKilled, { memoryLimit: undefined, containerType: 'sidecar', container: 'istio-proxy', restartCount: 1 }),
      ctx: context,
      explanation: /^Sidecar container istio-proxy .* has no memory limit .*node ran out of memory\. It has restarted once\./,
      cause: /node ran out of memory/,
    },
    {
      name: 'OOM crash loop',
      d: crashLoop,
      ctx: context,
      explanation: /keeps being killed by the kernel OOM killer \(exit 137\) at its 1Gi memory limit and is in a crash loop, restarted 12 times/,
      cause: /1Gi memory limit is too low/,
    },
    {
      name: 'memory eviction',
      d: evicted,
      ctx: evictedContext,
      explanation: /^Pod batch\/report-builder-28991340-vx8kd was evicted by the kubelet because node worker-3 was under memory pressure\. Its builder container requests 256Mi\./,
      cause: /more than its 256Mi memory request/,
    },
    {
      name: 'leak forecast',
      d: leakForecast,
      ctx: { statusLines: [], eventLines: [], logLines: [] },
      explanation: /heading for its 512Mi limit; at this rate it will be OOM-killed/,
      cause: /keeps growing/,
    },
    {
      name: 'a process OOM-killed in a running container',
      d: detection(oomKilled, {
        kind: 'ProcessOOM', reason: 'SystemOOM', exitCode: undefined, restartCount: 0,
        facts: ['event SystemOOM: System OOM encountered, victim process: java, pid: 12345', 'victim process: java pid=12345'],
      }),
      ctx: { statusLines: [], eventLines: ['Warning SystemOOM (x1) pod/checkout-6d8f7b9c5-x2klp: System OOM encountered, victim process: java, pid: 12345'], logLines: [] },
      explanation: /^The kernel OOM killer ended a process inside container app of pod demo\/checkout-6d8f7b9c5-x2klp \(victim process: java pid=12345\), but the container kept running, so its status shows no OOMKilled; only the SystemOOM event tells\./,
      cause: /reached its 64Mi limit and the kernel OOM killer ended one of its processes/,
    },
  ])('$name', ({ d, ctx, explanation, cause }) => {
    const dx = ruleBasedDiagnosis(d, ctx, 'llm_timeout');
    expect(DiagnosisSchema.parse(dx)).toEqual(dx);
    expect(dx).toMatchObject({ source: 'rule-based', promptVersion: RULES_VERSION, fallbackReason: 'llm_timeout' });
    expect(dx.explanation).toMatch(explanation);
    expect(dx.explanation).toMatch(/because the model did not answer in time\.$/);
    expect(dx.rootCauses.join('\n')).toMatch(cause);
    expect(dx.evidence.length).toBeGreaterThan(0);
  });

  it('quotes memory-related status, event and log lines, not unrelated ones', () => {
    const dx = ruleBasedDiagnosis(oomKilled, context, 'llm_disabled');
    expect(dx.evidence).toEqual([
      'container app: lastState.terminated reason=OOMKilled exitCode=137 finishedAt=2025-03-04T09:12:41Z',
      'container app: state.waiting reason=CrashLoopBackOff restartCount=5',
      'Warning OOMKilling (x1) node/worker-1: Memory cgroup out of memory: Killed process 48211 (node) total-vm:1418352kB, anon-rss:65104kB',
      'Warning BackOff (x23) pod/checkout-6d8f7b9c5-x2klp: Back-off restarting failed container app',
      '2025-03-04T09:12:40.902Z WARN  heap used 61.2MiB of 64MiB',
      'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory',
    ]);
    expect(dx.explanation).toMatch(/because the model is disabled\.$/);
  });

  it('falls back to the detection facts when the context has nothing to quote', () => {
    const dx = ruleBasedDiagnosis(leakForecast, { statusLines: [], eventLines: [], logLines: [] }, 'llm_unreachable');
    expect(dx.evidence).toEqual(leakForecast.facts);
  });

  it('names reasons it has no sentence for by their code', () => {
    expect(ruleBasedDiagnosis(oomKilled, context, 'store_unavailable').explanation).toMatch(/\(store_unavailable\)\.$/);
  });
});
