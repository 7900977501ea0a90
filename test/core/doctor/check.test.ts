import { describe, expect, it } from 'vitest';
import { fail, firstFailure, inChecklistOrder, ok, skip, summarize, warn, type CheckResult } from '../../../src/core/doctor/check.ts';

const r = (id: string, area: CheckResult['area'], status: CheckResult['status']): CheckResult =>
  status === 'ok' ? ok({ id, area, title: id }, 'fine')
    : status === 'warn' ? warn({ id, area, title: id }, 'meh', 'do x')
      : status === 'fail' ? fail({ id, area, title: id }, 'broken', 'do y')
        : skip({ id, area, title: id }, 'not run');

describe('doctor results', () => {
  const results = [r('redis.reachable', 'redis', 'fail'), r('config.env', 'config', 'ok'), r('slack.token', 'slack', 'warn'), r('kubernetes.reachable', 'kubernetes', 'fail'), r('ollama.model', 'ollama', 'skip')];

  it('orders by area: configuration, Slack, Kubernetes, Redis, Ollama, policies', () => {
    expect(inChecklistOrder(results).map((x) => x.id)).toEqual(['config.env', 'slack.token', 'kubernetes.reachable', 'redis.reachable', 'ollama.model']);
  });

  it('names the first failure in checklist order, none when only warnings', () => {
    expect(firstFailure(results)?.id).toBe('kubernetes.reachable');
    expect(firstFailure([r('a', 'config', 'ok'), r('b', 'redis', 'warn'), r('c', 'ollama', 'skip')])).toBeUndefined();
  });

  it('counts each status', () => {
    expect(summarize(results)).toEqual({ total: 5, ok: 1, warn: 1, fail: 2, skip: 1 });
  });

  it('carries the fix on failures and warnings only', () => {
    expect(results.filter((x) => x.fix).map((x) => x.status).sort()).toEqual(['fail', 'fail', 'warn']);
  });
});
