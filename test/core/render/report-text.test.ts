import { describe, expect, it } from 'vitest';
import { renderReportText } from '../../../src/core/render/report-text.ts';
import { incidentReport } from '../../fixtures/incidents/report.ts';

describe('renderReportText', () => {
  it('prints everything an SRE needs, the LLM suggestion beside the rule', () => {
    const text = renderReportText(incidentReport());
    expect(text.split('\n')).toEqual(expect.arrayContaining([
      'Incident: checkout-6d8f7b9c5-x2klp (demo) on node worker-1   [OOMCrashLoop]',
      'Workload: Deployment/checkout',
      'Container app (app): OOMKilled x4, restarts 4, limit 128Mi, request 64Mi, last at 2025-03-04T09:12:41Z',
      'Confidence: 0.72 (LLM: mistral)',
      '  | java.lang.OutOfMemoryError: Java heap space',
      'Auto-remediation: DISABLED (a decision is recorded, nothing is changed)',
    ]));
    expect(text).toMatch(/^Recommended memory: 256Mi \(rule: vpa-oom-bump; .*\) {3}LLM suggested: 256Mi$/m);
    expect(text).toMatch(/^Policy: allowed \(default\) — namespace demo is covered; /m);
  });

  it('says rule-based with the reason, and "none" when nothing can be recommended', () => {
    const base = incidentReport();
    const text = renderReportText({
      ...base,
      diagnosis: { ...base.diagnosis, source: 'rule-based', model: undefined, fallbackReason: 'llm_timeout', suggestedLimit: undefined },
      recommendation: { ...base.recommendation, limit: '', limitBytes: 0, rule: 'none', basis: 'no memory limit, request or observed peak is known' },
      verdict: { ...base.verdict, allowed: false, recommendedLimit: undefined },
    });
    expect(text).toContain('(rule-based (llm_timeout))');
    expect(text).toContain('Recommended memory: none (rule: none;');
    expect(text).toContain('Policy: denied (default)');
    expect(text).not.toContain('LLM suggested');
  });
});
