// The Prometheus settings: all optional, off without PROMETHEUS_URL, bounded where set.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/env.ts';
import { AppError } from '../../src/core/errors.ts';

describe('Prometheus settings', () => {
  it('are off and defaulted when unset', () => {
    const c = loadConfig({});
    expect(c.PROMETHEUS_URL).toBeUndefined();
    expect(c).toMatchObject({ PROMETHEUS_TIMEOUT_MS: 5000, SIGNAL_WINDOW_MINUTES: 10, CPU_THROTTLING_PERCENT: 25, CPU_THROTTLING_MINUTES: 15 });
    expect(loadConfig({ PROMETHEUS_URL: '' }).PROMETHEUS_URL).toBeUndefined();
  });

  it('take a URL with a path prefix and numbers in range', () => {
    const c = loadConfig({ PROMETHEUS_URL: 'http://prometheus-operated.monitoring:9090/prom', SIGNAL_WINDOW_MINUTES: '30', CPU_THROTTLING_PERCENT: '0', CPU_THROTTLING_MINUTES: '60' });
    expect(c).toMatchObject({ PROMETHEUS_URL: 'http://prometheus-operated.monitoring:9090/prom', SIGNAL_WINDOW_MINUTES: 30, CPU_THROTTLING_PERCENT: 0, CPU_THROTTLING_MINUTES: 60 });
  });

  it('name every bad value at once', () => {
    let problems: string[] = [];
    try {
      loadConfig({ PROMETHEUS_URL: 'prometheus:9090', PROMETHEUS_TIMEOUT_MS: '10', CPU_THROTTLING_PERCENT: '150', CPU_THROTTLING_MINUTES: '1' });
    } catch (err) {
      expect(err).toBeInstanceOf(AppError);
      problems = (err as AppError).details?.problems as string[];
    }
    expect(problems.map((p) => p.split(':')[0])).toEqual(['PROMETHEUS_URL', 'PROMETHEUS_TIMEOUT_MS', 'CPU_THROTTLING_PERCENT', 'CPU_THROTTLING_MINUTES']);
  });
});
