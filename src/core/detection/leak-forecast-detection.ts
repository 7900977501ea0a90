// A positive leak forecast for one container becomes a MemoryLeakForecast detection, with the
// numbers an SRE checks first: where the working set is, how fast it grows, how good the fit is
// and when it reaches the limit.
import type { ContainerSnapshot, Detection, PodSnapshot } from '../model.ts';
import type { LeakForecast } from '../forecast/leak-forecast.ts';
import { describeBytes, MEBIBYTE } from '../quantity.ts';
import { baseDetection, contextFacts } from './facts.ts';

export const LEAK_FORECAST_REASON = 'projected to reach limit';

const KIBIBYTE = 1024;

/** "+1.8 MiB/min", "+0.4 MiB/min", "+85.3 KiB/min". */
export function describeRate(bytesPerMinute: number): string {
  const sign = bytesPerMinute < 0 ? '-' : '+';
  const abs = Math.abs(bytesPerMinute);
  if (abs >= 1024 * MEBIBYTE) return `${sign}${round1(abs / (1024 * MEBIBYTE))} GiB/min`;
  if (abs >= 0.1 * MEBIBYTE) return `${sign}${round1(abs / MEBIBYTE)} MiB/min`;
  return `${sign}${round1(abs / KIBIBYTE)} KiB/min`;
}

/** "under a minute", "about 1 minute", "about 14 minutes", "about 2.5 hours", "about 3 days". */
export function describeDuration(minutes: number): string {
  if (minutes < 1) return 'under a minute';
  if (minutes < 90) {
    const m = Math.round(minutes);
    return `about ${m} minute${m === 1 ? '' : 's'}`;
  }
  if (minutes < 48 * 60) return `about ${round1(minutes / 60)} hours`;
  return `about ${round1(minutes / (24 * 60))} days`;
}

/** "working set 48Mi of 64Mi limit, +1.8 MiB/min (r²=0.97, 12 samples over 9 min): limit in about 14 minutes". */
export function forecastFact(f: LeakForecast, limit: string): string {
  const when = f.minutesToLimit < 1 ? 'within a minute' : `in ${describeDuration(f.minutesToLimit)}`;
  const outliers = f.outliers > 0 ? `, ${f.outliers} outlier${f.outliers === 1 ? '' : 's'} ignored` : '';
  return `working set ${describeBytes(f.lastBytes)} of ${limit} limit, ${describeRate(f.slopeBytesPerMinute)} `
    + `(r²=${f.r2.toFixed(2)}, ${f.samplesUsed} samples over ${Math.round(f.spanMinutes)} min${outliers}): limit ${when}`;
}

/**
 * The detection for container `c` of `pod`; forecasts are only made for containers with a limit.
 * The growth line travels with it so the recommendation can size the limit past the horizon.
 */
export function leakForecastDetection(pod: PodSnapshot, c: ContainerSnapshot, f: LeakForecast, horizonMinutes: number): Detection {
  const limit = c.memoryLimit ?? '(unset)';
  return {
    kind: 'MemoryLeakForecast',
    ...baseDetection(pod, c, c.name),
    reason: LEAK_FORECAST_REASON,
    observedPeakBytes: f.peakBytes,
    trend: { slopeBytesPerMinute: f.slopeBytesPerMinute, minutesToLimit: f.minutesToLimit, horizonMinutes },
    facts: [forecastFact(f, limit), `projected to reach the limit at ${f.projectedAt}`, ...contextFacts(pod, c)],
  };
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
