// PrometheusReader over Prometheus's HTTP API with fetch: /api/v1/query and /api/v1/query_range,
// form-encoded POSTs (long selectors stay out of URLs), each bounded by an abort timeout that is
// also sent as the server-side `timeout`. Failures are AppError with stable codes; answers are
// checked against the API's documented shapes before anything reads them.
import { z } from 'zod';
import { AppError } from '../../core/errors.ts';
import type { PromPoint, PromSeries } from '../../core/signals/series.ts';
import type { Logger, PrometheusReader } from '../../ports.ts';

export interface PrometheusReaderOptions {
  /** Base URL, e.g. http://prometheus.monitoring:9090 (a path prefix is kept; user:password@ becomes Basic auth). */
  url: string;
  timeoutMs: number;
  logger?: Logger;
  /** Another fetch (tests). */
  fetch?: typeof fetch;
}

const sample = z.tuple([z.number(), z.string()]);
const metric = z.record(z.string(), z.string());
const AnswerSchema = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('success'),
    data: z.discriminatedUnion('resultType', [
      z.object({ resultType: z.literal('vector'), result: z.array(z.object({ metric, value: sample })) }),
      z.object({ resultType: z.literal('matrix'), result: z.array(z.object({ metric, values: z.array(sample) })) }),
      z.object({ resultType: z.literal('scalar'), result: sample }),
      z.object({ resultType: z.literal('string'), result: sample }),
    ]),
    warnings: z.array(z.string()).optional(),
  }),
  z.object({ status: z.literal('error'), errorType: z.string().optional(), error: z.string().optional() }),
]);

/** Prometheus writes special floats as "NaN", "+Inf" and "-Inf". */
function toNumber(text: string): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text);
}

const point = ([t, v]: [number, string]): PromPoint => ({ t, v: toNumber(v) });

export function createPrometheusReader(opts: PrometheusReaderOptions): PrometheusReader {
  const doFetch = opts.fetch ?? fetch;
  const base = new URL(opts.url);
  const auth = base.username || base.password
    ? `Basic ${Buffer.from(`${decodeURIComponent(base.username)}:${decodeURIComponent(base.password)}`).toString('base64')}`
    : undefined;
  base.username = '';
  base.password = '';
  if (!base.pathname.endsWith('/')) base.pathname += '/';
  // Logged and put in error messages: never the credentials.
  const where = `${base.origin}${base.pathname}`;
  const log = opts.logger?.child({ component: 'prometheus', url: where });

  async function call(path: 'api/v1/query' | 'api/v1/query_range', params: Record<string, string>): Promise<PromSeries[]> {
    const body = new URLSearchParams({ ...params, timeout: `${Math.max(1, Math.floor(opts.timeoutMs / 1000))}s` });
    const started = performance.now();
    let res: Response;
    let text: string;
    try {
      res = await doFetch(new URL(path, base), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', ...(auth ? { authorization: auth } : {}) },
        body,
        signal: AbortSignal.timeout(opts.timeoutMs),
      });
      text = await res.text();
    } catch (err) {
      const name = (err as { name?: string } | null)?.name;
      if (name === 'TimeoutError' || name === 'AbortError') {
        throw new AppError('prometheus_timeout', `Prometheus at ${where} did not answer within ${opts.timeoutMs} ms`, { url: where, timeoutMs: opts.timeoutMs });
      }
      const cause = (err as { cause?: { code?: string; message?: string } } | null)?.cause;
      throw new AppError('prometheus_unreachable', `Prometheus at ${where} is unreachable: ${cause?.code ?? cause?.message ?? (err as Error).message}`, { url: where }, { cause: err });
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new AppError('prometheus_error', `Prometheus at ${where} answered HTTP ${res.status} with a body that is not JSON`, { url: where, status: res.status });
    }
    const parsed = AnswerSchema.safeParse(json);
    if (!parsed.success) {
      throw new AppError('prometheus_error', `Prometheus at ${where} answered HTTP ${res.status} with a body that is not a query result`, { url: where, status: res.status });
    }
    const answer = parsed.data;
    if (answer.status === 'error' || !res.ok) {
      const detail = answer.status === 'error' ? `${answer.errorType ?? 'error'}: ${answer.error ?? ''}` : `HTTP ${res.status}`;
      throw new AppError('prometheus_error', `Prometheus at ${where} refused the query (${detail})`, {
        url: where, status: res.status, ...(answer.status === 'error' ? { errorType: answer.errorType } : {}),
      });
    }
    if (answer.warnings?.length) log?.debug({ warnings: answer.warnings }, 'Prometheus answered with warnings');
    log?.debug({ path, ms: Math.round(performance.now() - started) }, 'Prometheus answered');
    const data = answer.data;
    switch (data.resultType) {
      case 'vector':
        return data.result.map((r) => ({ labels: r.metric, points: [point(r.value)] }));
      case 'matrix':
        return data.result.map((r) => ({ labels: r.metric, points: r.values.map(point) }));
      case 'scalar':
        return [{ labels: {}, points: [point(data.result)] }];
      case 'string':
        throw new AppError('prometheus_error', `Prometheus at ${where} answered a string, not numbers`, { url: where });
    }
  }

  const seconds = (d: Date): string => (d.getTime() / 1000).toFixed(3);

  return {
    query: (promql, at) => call('api/v1/query', { query: promql, time: seconds(at) }),
    queryRange: (promql, range) =>
      call('api/v1/query_range', { query: promql, start: seconds(range.start), end: seconds(range.end), step: `${range.stepSeconds}s` }),
    async check() {
      await call('api/v1/query', { query: 'vector(1)' });
    },
  };
}
