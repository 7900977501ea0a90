import { describe, expect, it } from 'vitest';
import {
  describeDuration,
  describeRate,
  forecastFact,
  LEAK_FORECAST_REASON,
  leakForecastDetection,
} from '../../../src/core/detection/leak-forecast-detection.ts';
import type { LeakForecast } from '../../../src/core/forecast/leak-forecast.ts';
import { DetectionSchema } from '../../../src/core/model.ts';
import { parsePod } from '../../../src/core/kube/parse.ts';
import { kubeFixture } from '../../fixtures/kube/load.ts';

const Mi = 1024 * 1024;

const forecast: LeakForecast = {
  forecast: true,
  samplesUsed: 12,
  outliers: 0,
  spanMinutes: 9.1,
  slopeBytesPerMinute: 1.8 * Mi,
  r2: 0.9712,
  lastBytes: 48 * Mi,
  peakBytes: 48 * Mi,
  minutesToLimit: 14.2,
  projectedAt: '2024-05-14T10:24:12.000Z',
};

describe('describeRate and describeDuration', () => {
  it.each([
    { bytesPerMinute: 1.8 * Mi, text: '+1.8 MiB/min' },
    { bytesPerMinute: 0.25 * Mi, text: '+0.3 MiB/min' },
    { bytesPerMinute: 40 * 1024, text: '+40 KiB/min' },
    { bytesPerMinute: 12 * Mi, text: '+12 MiB/min' },
    { bytesPerMinute: 2 * 1024 * Mi, text: '+2 GiB/min' },
  ])('rate $text', ({ bytesPerMinute, text }) => {
    expect(describeRate(bytesPerMinute)).toBe(text);
  });

  it.each([
    { minutes: 14.2, text: 'about 14 minutes' },
    { minutes: 1.2, text: 'about 1 minute' },
    { minutes: 150, text: 'about 2.5 hours' },
    { minutes: 3 * 24 * 60, text: 'about 3 days' },
  ])('duration $text', ({ minutes, text }) => {
    expect(describeDuration(minutes)).toBe(text);
  });

  it('rates and durations', () => {
    expect(describeRate(-3 * Mi)).toBe('-3 MiB/min');
    expect(describeDuration(0.4)).toBe('under a minute');
    expect(describeDuration(89.4)).toBe('about 89 minutes');
  });
});

describe('leakForecastDetection', () => {
  const pod = parsePod(kubeFixture('pod-leaking-running'));
  const cache = pod.containers.find((c) => c.name === 'cache')!;

  it('makes a MemoryLeakForecast detection for the container, with the fit in its first fact', () => {
    const d = leakForecastDetection(pod, cache, forecast, 60);
    expect(DetectionSchema.parse(d)).toEqual(d);
    expect(d).toMatchObject({
      kind: 'MemoryLeakForecast',
      namespace: 'shop',
      pod: 'session-cache-7c9f5d8b6-q4w2z',
      container: 'cache',
      containerType: 'app',
      reason: LEAK_FORECAST_REASON,
      restartCount: 0,
      memoryRequest: '32Mi',
      memoryLimit: '64Mi',
      owner: { kind: 'ReplicaSet', name: 'session-cache-7c9f5d8b6' },
      nodeName: 'ip-10-0-3-17.eu-west-1.compute.internal',
      observedPeakBytes: 48 * Mi,
      trend: { slopeBytesPerMinute: 1.8 * Mi, minutesToLimit: 14.2, horizonMinutes: 60 },
    });
    expect(d.facts[0]).toBe('working set 48Mi of 64Mi limit, +1.8 MiB/min (r²=0.97, 12 samples over 9 min): limit in about 14 minutes');
    expect(d.facts).toContain('projected to reach the limit at 2024-05-14T10:24:12.000Z');
    expect(d.facts).toContain('containers[cache].resources: requests.memory=32Mi limits.memory=64Mi');
  });

  it('mentions ignored outliers', () => {
    expect(forecastFact({ ...forecast, outliers: 2 }, '64Mi')).toContain('12 samples over 9 min, 2 outliers ignored');
  });
});
