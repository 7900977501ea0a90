import { describe, expect, it } from 'vitest';
import { approvedLimit, approvedChange, requestWithinLimit } from '../../../src/core/recommend/approved.ts';
import { incidentReport } from '../../fixtures/incidents/report.ts';

describe('requestWithinLimit', () => {
  it.each([
    { name: 'below the limit: kept', request: '128Mi', limit: '256Mi', out: '128Mi' },
    { name: 'equal to the limit: kept', request: '256Mi', limit: '256Mi', out: '256Mi' },
    { name: 'above the limit: lowered to it', request: '300Mi', limit: '256Mi', out: '256Mi' },
    { name: 'above in other units: lowered', request: '1Gi', limit: '768Mi', out: '768Mi' },
    { name: 'no request', request: undefined, limit: '256Mi', out: undefined },
    { name: 'empty request', request: '', limit: '256Mi', out: undefined },
    { name: 'unreadable request: dropped', request: 'lots', limit: '256Mi', out: undefined },
    { name: 'no limit: kept', request: '300Mi', limit: '', out: '300Mi' },
  ])('$name', ({ request, limit, out }) => {
    expect(requestWithinLimit(request, limit)).toBe(out);
  });
});

describe('approvedChange', () => {
  const base = incidentReport();

  it('takes the deterministic limit when the policy did not clamp', () => {
    const r = { ...base, verdict: { ...base.verdict, recommendedLimit: undefined, clamped: false } };
    expect(approvedLimit(r)).toBe('256Mi');
    expect(approvedChange(r)).toEqual({ resource: 'memory', limit: '256Mi', request: '128Mi' });
  });

  it('takes the clamped limit and lowers a request above it', () => {
    const r = {
      ...base,
      recommendation: { ...base.recommendation, limit: '6Gi', request: '6Gi' },
      verdict: { ...base.verdict, recommendedLimit: '4Gi', clamped: true },
    };
    expect(approvedLimit(r)).toBe('4Gi');
    expect(approvedChange(r)).toEqual({ resource: 'memory', limit: '4Gi', request: '4Gi' });
  });

  it('has no request when none is recommended', () => {
    const r = { ...base, recommendation: { ...base.recommendation, request: undefined } };
    expect(approvedChange(r)).toEqual({ resource: 'memory', limit: approvedLimit(r) });
  });
});
