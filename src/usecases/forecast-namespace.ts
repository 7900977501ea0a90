// Slow-leak forecasting for one namespace, run on every scan: read the containers' working sets
// from metrics.k8s.io, add them to each container's history, and forecast every running container
// that has a memory limit. With Prometheus, hours of its working-set samples are used instead, and
// metrics.k8s.io is the fallback when Prometheus fails. A forecast is advisory: when the metrics API
// or the history store fails, this logs and returns no detections rather than failing the scan
// that found real OOMs.
import { leakForecastDetection } from '../core/detection/leak-forecast-detection.ts';
import { isAppError } from '../core/errors.ts';
import { forecastLeak, type UsagePoint } from '../core/forecast/leak-forecast.ts';
import type { ContainerSnapshot, Detection, PodSnapshot } from '../core/model.ts';
import { toBytes } from '../core/quantity.ts';
import type { Clock, ContainerUsage, Logger, MetricsReader, UsageHistory } from '../ports.ts';

export interface ForecastDeps {
  metrics: MetricsReader;
  history: UsageHistory;
  logger: Logger;
  clock: Clock;
  /** Working sets from Prometheus by "pod/container" (gather-signals.ts); undefined when it cannot be read. */
  workingSetHistory?: (namespace: string) => Promise<Map<string, UsagePoint[]> | undefined>;
}

export interface ForecastInput {
  namespace: string;
  /** The pods the scan just listed; only their containers are sampled and forecast. */
  pods: PodSnapshot[];
  horizonMinutes: number;
  minSamples?: number;
  minSpanMinutes?: number;
  minR2?: number;
}

export const FORECAST_OFF_MESSAGE = 'forecasting off: metrics.k8s.io not available';
export const FORECAST_ON_MESSAGE = 'forecasting on: metrics.k8s.io available';

// "Once per process": one metrics reader is wired per process, so the notices hang off it (and
// tests with their own reader start fresh).
const notices = new WeakMap<MetricsReader, { offSaid: boolean; onSaid: boolean }>();

function noticesFor(metrics: MetricsReader): { offSaid: boolean; onSaid: boolean } {
  let n = notices.get(metrics);
  if (!n) {
    n = { offSaid: false, onSaid: false };
    notices.set(metrics, n);
  }
  return n;
}

interface Target {
  pod: PodSnapshot;
  container: ContainerSnapshot;
  limitBytes: number;
  /** Start of the running instance: samples from before a restart belong to another process. */
  since: number | undefined;
}

function targets(pods: PodSnapshot[]): Map<string, Target> {
  const out = new Map<string, Target>();
  for (const pod of pods) {
    for (const c of pod.containers) {
      const limitBytes = c.memoryLimit === undefined ? undefined : toBytes(c.memoryLimit);
      if (c.state.kind !== 'running' || limitBytes === undefined || limitBytes <= 0) continue;
      const since = c.state.startedAt === undefined ? undefined : Date.parse(c.state.startedAt);
      out.set(`${pod.name}/${c.name}`, { pod, container: c, limitBytes, since: Number.isFinite(since) ? since : undefined });
    }
  }
  return out;
}

export async function forecastNamespace(deps: ForecastDeps, input: ForecastInput): Promise<Detection[]> {
  const { metrics, history, clock } = deps;
  const { namespace } = input;
  const logger = deps.logger.child({ namespace, usecase: 'forecast' });
  const notice = noticesFor(metrics);

  const advisory = async <T>(what: string, op: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await op();
    } catch (err) {
      if (!isAppError(err)) throw err;
      logger.warn({ code: err.code, err: err.message }, `leak forecast skipped: ${what} failed`);
      return undefined;
    }
  };

  // Hours of samples from Prometheus when it answers; metrics.k8s.io and the agent's own samples otherwise.
  if (deps.workingSetHistory) {
    const candidates = targets(input.pods);
    if (candidates.size === 0) return [];
    const fromPrometheus = await deps.workingSetHistory(namespace);
    if (fromPrometheus) {
      const read = async (t: Target) => fromPrometheus.get(`${t.pod.name}/${t.container.name}`) ?? [];
      return forecastTargets(candidates, read, input, clock.now().toISOString(), logger);
    }
  }

  const available = await advisory('metrics API discovery', () => metrics.available());
  if (available === undefined) return [];
  if (!available) {
    if (!notice.offSaid) logger.info({}, FORECAST_OFF_MESSAGE);
    notice.offSaid = true;
    return [];
  }
  if (notice.offSaid && !notice.onSaid) {
    logger.info({}, FORECAST_ON_MESSAGE);
    notice.onSaid = true;
  }

  const wanted = targets(input.pods);
  if (wanted.size === 0) return [];
  const usage = await advisory('reading pod metrics', () => metrics.podMetrics(namespace));
  if (usage === undefined) return [];
  const samples = usage.filter((u: ContainerUsage) => wanted.has(`${u.pod}/${u.container}`)).map((u) => ({ ...u, namespace }));
  if ((await advisory('recording usage', () => history.record(samples).then(() => true))) === undefined) return [];

  const read = (t: Target) => advisory('reading usage history', () => history.samples(namespace, t.pod.name, t.container.name));
  return forecastTargets(wanted, read, input, clock.now().toISOString(), logger);
}

/** Forecasts each target from its samples since its start; stops at the first history that cannot be read. */
async function forecastTargets(
  wanted: Map<string, Target>,
  read: (t: Target) => Promise<UsagePoint[] | undefined>,
  input: ForecastInput,
  now: string,
  logger: Logger,
): Promise<Detection[]> {
  const detections: Detection[] = [];
  for (const t of wanted.values()) {
    const stored = await read(t);
    if (stored === undefined) return detections;
    const current = stored.filter((s: UsagePoint) => t.since === undefined || Date.parse(s.at) >= t.since);
    const result = forecastLeak(current, {
      limitBytes: t.limitBytes,
      horizonMinutes: input.horizonMinutes,
      now,
      ...(input.minSamples !== undefined ? { minSamples: input.minSamples } : {}),
      ...(input.minSpanMinutes !== undefined ? { minSpanMinutes: input.minSpanMinutes } : {}),
      ...(input.minR2 !== undefined ? { minR2: input.minR2 } : {}),
    });
    if (!result.forecast) {
      logger.debug({ pod: t.pod.name, container: t.container.name, reason: result.reason, samples: result.samplesUsed }, 'no leak forecast');
      continue;
    }
    detections.push(leakForecastDetection(t.pod, t.container, result, input.horizonMinutes));
  }
  return detections;
}
