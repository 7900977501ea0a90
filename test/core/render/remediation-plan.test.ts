import { describe, expect, it } from 'vitest';
import type { IncidentReport } from '../../../src/core/model.ts';
import { approvedChange } from '../../../src/core/recommend/approved.ts';
import { remediationPlan } from '../../../src/core/render/remediation-plan.ts';
import { incidentReport } from '../../fixtures/incidents/report.ts';

function report(kind: string, name: string, containerType: IncidentReport['detection']['containerType'] = 'app', container = 'app'): IncidentReport {
  const r = incidentReport();
  return { ...r, workload: { kind, name }, detection: { ...r.detection, containerType, container } };
}

describe('remediationPlan', () => {
  it.each([
    ['Deployment', 'checkout', 'app', 'kubectl set resources deployment/checkout -n demo -c app --limits=memory=256Mi --requests=memory=128Mi'],
    ['StatefulSet', 'ledger', 'app', 'kubectl set resources statefulset/ledger -n demo -c app --limits=memory=256Mi --requests=memory=128Mi'],
    ['DaemonSet', 'node-agent', 'app', 'kubectl set resources daemonset/node-agent -n demo -c app --limits=memory=256Mi --requests=memory=128Mi'],
    [
      'Deployment',
      'checkout',
      'init',
      `kubectl patch deployment/checkout -n demo --type=strategic -p '{"spec":{"template":{"spec":{"initContainers":[{"name":"app","resources":{"limits":{"memory":"256Mi"},"requests":{"memory":"128Mi"}}}]}}}}'`,
    ],
    [
      'CronJob',
      'nightly-report',
      'sidecar',
      `kubectl patch cronjob/nightly-report -n demo --type=strategic -p '{"spec":{"jobTemplate":{"spec":{"template":{"spec":{"initContainers":[{"name":"app","resources":{"limits":{"memory":"256Mi"},"requests":{"memory":"128Mi"}}}]}}}}}}'`,
    ],
    ['CronJob', 'nightly-report', 'app', 'kubectl set resources cronjob/nightly-report -n demo -c app --limits=memory=256Mi --requests=memory=128Mi'],
  ] as const)('%s %s (%s container) → command', (kind, name, type, command) => {
    const plan = remediationPlan(report(kind, name, type));
    expect(plan.command).toBe(command);
    expect(plan.note).toBeUndefined();
  });

  it.each([
    ['Pod', 'app', /no owning workload/],
    ['Job', 'app', /cannot be changed after creation/],
    ['Rollout', 'app', /kind Rollout are not patched/],
    ['Deployment', 'ephemeral', /Ephemeral debug containers/],
  ] as const)('%s (%s container) → a note instead of a command', (kind, type, note) => {
    const plan = remediationPlan(report(kind, 'x', type));
    expect(plan.command).toBeUndefined();
    expect(plan.note).toMatch(note);
  });

  it('uses the policy-clamped limit and never a request above it', () => {
    const r = incidentReport();
    const clamped: IncidentReport = {
      ...r,
      recommendation: { ...r.recommendation, limit: '6Gi', request: '6Gi' },
      verdict: { ...r.verdict, recommendedLimit: '4Gi', clamped: true },
    };
    expect(approvedChange(clamped)).toEqual({ resource: 'memory', limit: '4Gi', request: '4Gi' });
    expect(remediationPlan(clamped).command).toContain('--limits=memory=4Gi --requests=memory=4Gi');
  });

  it('omits --requests when no request is recommended', () => {
    const r = incidentReport();
    const plan = remediationPlan({ ...r, recommendation: { ...r.recommendation, request: undefined } });
    expect(plan.command).toBe('kubectl set resources deployment/checkout -n demo -c app --limits=memory=256Mi');
  });

  it('quotes a name a shell would split', () => {
    const plan = remediationPlan(report('Deployment', "x; rm -rf / #'"));
    expect(plan.command).toBe(`kubectl set resources deployment/'x; rm -rf / #'\\''' -n demo -c app --limits=memory=256Mi --requests=memory=128Mi`);
  });

  it('asks for the heap setting too when the runtime, not the kernel, ran out', () => {
    const r = incidentReport();
    const plan = remediationPlan({ ...r, recommendation: { ...r.recommendation, rule: 'runtime-heap', runtimeSetting: '-Xmx768m' } });
    expect(plan.command).toBe('kubectl set resources deployment/checkout -n demo -c app --limits=memory=256Mi --requests=memory=128Mi');
    expect(plan.note).toBe("Also set the heap to -Xmx768m in container app's args (or JAVA_TOOL_OPTIONS / NODE_OPTIONS): the runtime, not the kernel, ran out of memory.");
  });
});
