import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { forecastLeak, type ForecastResult, type UsagePoint } from '../../../src/core/forecast/leak-forecast.ts';
import { seeded } from '../../support/seeded-random.ts';

const Mi = 1024 * 1024;
const Ki = 1024;
const START = Date.parse('2024-05-14T10:00:00Z');
const iso = (minutes: number): string => new Date(START + minutes * 60_000).toISOString();

/** Samples every `stepMinutes` from minute 0, valued by `mib(i, t)` in MiB. */
function series(n: number, stepMinutes: number, mib: (i: number, t: number) => number): UsagePoint[] {
  return Array.from({ length: n }, (_, i) => ({ at: iso(i * stepMinutes), bytes: Math.round(mib(i, i * stepMinutes) * Mi) }));
}


const LIMIT = 64 * Mi;
const growth = series(12, 0.75, (_, t) => 40 + 1.5 * t); // 40Mi +1.5 MiB/min, 12 samples over 8.25 min
const lastT = 11 * 0.75;

interface Case {
  name: string;
  samples: UsagePoint[];
  limitBytes?: number;
  horizonMinutes?: number;
  now?: string;
  expected: Partial<ForecastResult> & { forecast: boolean };
  minutesToLimit?: number;
}

const noise = seeded(42);
const cases: Case[] = [
  {
    name: 'steady growth: exact time to limit from the last sample',
    samples: growth,
    expected: { forecast: true, samplesUsed: 12, outliers: 0 },
    // 64 = 40 + 1.5t → t = 16 min after the first sample
    minutesToLimit: 16 - lastT,
  },
  {
    name: 'steady growth: time to limit counts from now, not from the last sample',
    samples: growth,
    now: iso(lastT + 2),
    expected: { forecast: true },
    minutesToLimit: 16 - lastT - 2,
  },
  {
    name: 'steady growth given out of order',
    samples: [...growth].reverse(),
    expected: { forecast: true, samplesUsed: 12 },
    minutesToLimit: 16 - lastT,
  },
  {
    name: 'flat',
    samples: series(12, 1, () => 40),
    expected: { forecast: false, reason: 'flat' },
  },
  {
    name: 'flat with a few KiB of jitter',
    samples: series(12, 1, (i) => 40 + ((i % 3) - 1) * (64 * Ki) / Mi),
    expected: { forecast: false, reason: 'flat' },
  },
  {
    name: 'noisy: a weak trend under random ±10 MiB swings',
    samples: series(16, 1, (_, t) => 40 + 0.5 * t + (noise() * 2 - 1) * 10),
    expected: { forecast: false, reason: 'noisy' },
  },
  {
    name: 'noisy: random ±10 MiB swings without a trend are not "flat"',
    samples: series(16, 1, () => 40 + (noise() * 2 - 1) * 10),
    expected: { forecast: false, reason: 'noisy' },
  },
  {
    name: 'sawtooth without a trend line (garbage collection every few samples)',
    samples: series(16, 1, (i) => 40 + (i % 4) * 5),
    expected: { forecast: false, reason: 'noisy' },
  },
  {
    name: 'shrinking',
    samples: series(12, 1, (_, t) => 60 - 1.2 * t),
    expected: { forecast: false, reason: 'shrinking' },
  },
  {
    name: 'growth with a restart in the middle: only the new segment counts',
    // 40 → 58 MiB over 10 min, restart to 20 MiB, then +2 MiB/min for 8 samples
    samples: [
      ...series(10, 1, (_, t) => 40 + 2 * t),
      ...series(8, 1, (_, t) => 20 + 2 * t).map((s, i) => ({ ...s, at: iso(10 + i) })),
    ],
    expected: { forecast: true, samplesUsed: 8 },
    // 64 = 20 + 2t → t = 22 min after minute 10; now = minute 17
    minutesToLimit: 10 + 22 - 17,
  },
  {
    name: 'growth with a single outlier spike',
    samples: growth.map((s, i) => (i === 6 ? { ...s, bytes: s.bytes + 30 * Mi } : s)),
    expected: { forecast: true, samplesUsed: 11, outliers: 1 },
    minutesToLimit: 16 - lastT,
  },
  {
    name: 'growth with a single low scrape (not a restart)',
    samples: growth.map((s, i) => (i === 5 ? { ...s, bytes: 5 * Mi } : s)),
    expected: { forecast: true, samplesUsed: 11, outliers: 1 },
    minutesToLimit: 16 - lastT,
  },
  {
    name: 'a restart on the last sample leaves too few samples',
    samples: [...growth, { at: iso(lastT + 0.75), bytes: 12 * Mi }],
    expected: { forecast: false, reason: 'too_few_samples', samplesUsed: 1 },
  },
  {
    name: 'beyond the horizon',
    samples: series(12, 1, (_, t) => 100 + 0.5 * t),
    limitBytes: 512 * Mi,
    horizonMinutes: 60,
    expected: { forecast: false, reason: 'beyond_horizon' },
    // 512 = 100 + 0.5t → t = 824; now = minute 11
    minutesToLimit: 824 - 11,
  },
  {
    name: 'no limit',
    samples: growth,
    limitBytes: 0,
    expected: { forecast: false, reason: 'no_limit' },
  },
  {
    name: 'too few samples',
    samples: growth.slice(0, 5),
    expected: { forecast: false, reason: 'too_few_samples', samplesUsed: 5 },
  },
  {
    name: 'enough samples over too short a time',
    samples: series(12, 0.25, (_, t) => 40 + 1.5 * t),
    expected: { forecast: false, reason: 'too_few_samples' },
  },
  {
    name: 'already past the limit by the line: limit reached now',
    samples: series(12, 1, (_, t) => 50 + 1.5 * t),
    now: iso(30),
    expected: { forecast: true },
    minutesToLimit: 0,
  },
];

describe('forecastLeak', () => {
  it.each(cases)('$name', ({ samples, limitBytes = LIMIT, horizonMinutes = 30, now, expected, minutesToLimit }) => {
    const latest = samples.map((s) => s.at).sort().at(-1)!;
    const result = forecastLeak(samples, { limitBytes, horizonMinutes, now: now ?? latest });
    expect(result).toMatchObject(expected);
    if (minutesToLimit !== undefined) expect(result.minutesToLimit).toBeCloseTo(minutesToLimit, 6);
    else if (expected.forecast === false && expected.reason !== 'beyond_horizon') expect(result.minutesToLimit).toBeUndefined();
  });

  it('reports slope, fit and the projected time of a clean leak', () => {
    const result = forecastLeak(growth, { limitBytes: LIMIT, horizonMinutes: 30, now: iso(lastT) });
    expect(result).toMatchObject({ forecast: true, r2: 1, lastBytes: Math.round(52.375 * Mi), peakBytes: Math.round(52.375 * Mi) });
    if (!result.forecast) throw new Error('expected a forecast');
    expect(result.slopeBytesPerMinute / Mi).toBeCloseTo(1.5, 4);
    expect(result.spanMinutes).toBeCloseTo(lastT, 9);
    expect(Date.parse(result.projectedAt)).toBe(START + 16 * 60_000);
  });

  it('honours minSamples, minSpanMinutes and minR2', () => {
    const now = iso(lastT);
    expect(forecastLeak(growth, { limitBytes: LIMIT, horizonMinutes: 30, now, minSamples: 13 })).toMatchObject({ reason: 'too_few_samples' });
    expect(forecastLeak(growth, { limitBytes: LIMIT, horizonMinutes: 30, now, minSpanMinutes: 9 })).toMatchObject({ reason: 'too_few_samples' });
    const wobbly = series(12, 1, (i, t) => 40 + 1.5 * t + (i % 2 === 0 ? 1.5 : -1.5));
    const loose = forecastLeak(wobbly, { limitBytes: LIMIT, horizonMinutes: 60, now: iso(11), minR2: 0.5 });
    const strict = forecastLeak(wobbly, { limitBytes: LIMIT, horizonMinutes: 60, now: iso(11), minR2: 0.99 });
    expect(loose.forecast).toBe(true);
    expect(strict).toMatchObject({ forecast: false, reason: 'noisy' });
  });

  it('ignores unreadable samples', () => {
    const broken = [...growth, { at: 'not a time', bytes: 1 }, { at: iso(3), bytes: Number.NaN }];
    const result = forecastLeak(broken, { limitBytes: LIMIT, horizonMinutes: 30, now: iso(lastT) });
    expect(result).toMatchObject({ forecast: true, samplesUsed: 12 });
  });

  it('recovers the exact time to limit of any clean linear leak, in any order, despite one spike', () => {
    fc.assert(fc.property(
      fc.record({
        startMi: fc.integer({ min: 10, max: 400 }),
        slopeKiPerMin: fc.integer({ min: 256, max: 20_480 }),
        n: fc.integer({ min: 8, max: 60 }),
        stepSeconds: fc.integer({ min: 15, max: 120 }),
        spikeAt: fc.nat(),
        seed: fc.integer(),
      }),
      ({ startMi, slopeKiPerMin, n, stepSeconds, spikeAt, seed }) => {
        const step = stepSeconds / 60;
        // A leak worth the name: at least 3% growth over the observed span (1% or less is "flat").
        fc.pre((slopeKiPerMin / 1024) * (n - 2) * step >= 0.03 * startMi);
        const clean = series(n, step, (_, t) => startMi + (slopeKiPerMin * t) / 1024);
        const spiked = clean.map((s, i) => (i === spikeAt % n ? { ...s, bytes: s.bytes * 2 } : s));
        const shuffled = [...spiked].sort((a, b) => (((Date.parse(a.at) ^ seed) & 7) - ((Date.parse(b.at) ^ seed) & 7)));
        const lastMinute = (n - 1) * step;
        const limitBytes = (startMi + (slopeKiPerMin * (lastMinute + 10)) / 1024) * Mi; // 10 minutes after the last sample
        const result = forecastLeak(shuffled, { limitBytes, horizonMinutes: 60, now: iso(lastMinute), minSpanMinutes: 1 });
        expect(result).toMatchObject({ forecast: true, outliers: 1, samplesUsed: n - 1 });
        expect(result.minutesToLimit).toBeCloseTo(10, 2);
      },
    ));
  });
});
