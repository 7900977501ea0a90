// The Prometheus adapter against a real Prometheus (history backfilled with promtool), and its
// failures against loopback servers that misbehave: unreachable, silent, not Prometheus.
import { createServer, type IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrometheusReader } from '../../../src/adapters/prometheus/prometheus-reader.ts';
import { AppError } from '../../../src/core/errors.ts';
import { selector } from '../../../src/core/signals/promql.ts';
import type { PrometheusReader } from '../../../src/ports.ts';
import { listenOnLoopback } from '../../support/listen.ts';
import { freePort } from '../../support/test-cluster/free-port.ts';
import { containerSeries } from '../../support/prometheus/synthetic.ts';
import { startPrometheus, type TestPrometheus } from '../../support/prometheus/server.ts';
import { describeWithPrometheus } from '../../support/prometheus/tools.ts';

const NOW = Math.floor(Date.now() / 1000);
const HOURS = 3;

async function failure(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

describeWithPrometheus('PrometheusReader against a real Prometheus', (tools) => {
  let prom: TestPrometheus;
  let reader: PrometheusReader;

  beforeAll(async () => {
    const origin = NOW - HOURS * 3600;
    const series = [
      ...containerSeries({ namespace: 'shop', pod: 'web-1', container: 'app', node: 'worker-1', origin, cpu: { limitCores: 0.5, throttledRatio: () => 0.78 }, workingSet: (t) => 100e6 + (t - origin) * 1000 }),
      // A name no real pod has, to prove the quoting through Prometheus's own parser.
      ...containerSeries({ namespace: 'shop', pod: 'we"ird\\pod', container: 'app', node: 'worker-1', origin, workingSet: () => 42 }),
    ];
    prom = await startPrometheus(tools, { history: { series, from: origin, to: NOW - 30, stepSeconds: 15 } });
    reader = createPrometheusReader({ url: prom.url, timeoutMs: 5000 });
  });
  afterAll(async () => prom?.stop());

  it('answers an instant query with each series and its labels', async () => {
    const series = await reader.query(`container_spec_cpu_quota${selector({ namespace: 'shop', pod: 'web-1' })}`, new Date((NOW - 60) * 1000));
    expect(series).toHaveLength(1);
    expect(series[0]!.labels).toMatchObject({ __name__: 'container_spec_cpu_quota', namespace: 'shop', pod: 'web-1', container: 'app' });
    expect(series[0]!.points).toEqual([{ t: NOW - 60, v: 50_000 }]);
  });

  it('reads the backfilled hours at any past moment', async () => {
    const twoHoursAgo = new Date((NOW - 2 * 3600) * 1000);
    const [s] = await reader.query('sum(increase(container_cpu_cfs_throttled_periods_total{pod="web-1"}[10m])) / sum(increase(container_cpu_cfs_periods_total{pod="web-1"}[10m]))', twoHoursAgo);
    expect(s!.points[0]!.v).toBeCloseTo(0.78, 5);
  });

  it('answers a range query with one point per step, oldest first', async () => {
    const end = new Date((NOW - 60) * 1000);
    const start = new Date(end.getTime() - 30 * 60_000);
    const series = await reader.queryRange('sum by (pod) (increase(container_cpu_cfs_periods_total{namespace="shop",pod="web-1"}[5m]))', { start, end, stepSeconds: 60 });
    expect(series).toHaveLength(1);
    const points = series[0]!.points;
    expect(points).toHaveLength(31);
    expect(points[0]!.t).toBe(start.getTime() / 1000);
    expect(points.every((p, i) => i === 0 || p.t === points[i - 1]!.t + 60)).toBe(true);
    for (const p of points) expect(p.v).toBeCloseTo(3000, -1);
  });

  it('quotes label values so any pod name is matched exactly', async () => {
    const series = await reader.query(`container_memory_working_set_bytes${selector({ pod: 'we"ird\\pod' })}`, new Date((NOW - 60) * 1000));
    expect(series.map((s) => [s.labels.pod, s.points[0]!.v])).toEqual([['we"ird\\pod', 42]]);
  });

  it('reads scalars and special floats', async () => {
    const at = new Date(NOW * 1000);
    expect(await reader.query('scalar(vector(2))', at)).toEqual([{ labels: {}, points: [{ t: NOW, v: 2 }] }]);
    expect((await reader.query('vector(NaN)', at))[0]!.points[0]!.v).toBeNaN();
    expect((await reader.query('vector(+Inf)', at))[0]!.points[0]!.v).toBe(Infinity);
    expect((await reader.query('vector(-Inf)', at))[0]!.points[0]!.v).toBe(-Infinity);
  });

  it('reports a query Prometheus refuses as prometheus_error with its error type', async () => {
    const err = await failure(reader.query('sum(rate(container_cpu_usage_seconds_total[5m]', new Date(NOW * 1000)));
    expect(err.code).toBe('prometheus_error');
    expect(err.details).toMatchObject({ status: 400, errorType: 'bad_data' });
    expect(err.message).toMatch(/refused the query \(bad_data: /);
  });

  it('checks readiness with a trivial query', async () => {
    await expect(reader.check()).resolves.toBeUndefined();
  });
});

describe('PrometheusReader failures', () => {
  const at = new Date();

  it('says prometheus_unreachable when nothing listens', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const err = await failure(createPrometheusReader({ url, timeoutMs: 2000 }).query('up', at));
    expect(err.code).toBe('prometheus_unreachable');
    expect(err.message).toContain('ECONNREFUSED');
  });

  it('says prometheus_timeout when Prometheus does not answer in time, and asks it to stop too', async () => {
    const bodies: string[] = [];
    const server = createServer((req) => {
      void readBody(req).then((b) => bodies.push(b));
    });
    const port = await listenOnLoopback(server);
    try {
      const started = Date.now();
      const err = await failure(createPrometheusReader({ url: `http://127.0.0.1:${port}`, timeoutMs: 600 }).query('up', at));
      expect(err.code).toBe('prometheus_timeout');
      expect(Date.now() - started).toBeLessThan(5000);
      expect(new URLSearchParams(bodies[0]).get('timeout')).toBe('1s');
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('says prometheus_error for an answer that is not Prometheus, without the credentials of the URL', async () => {
    const seen: Array<{ url?: string; auth?: string; type?: string }> = [];
    const server = createServer((req, res) => {
      seen.push({ url: req.url, auth: req.headers.authorization, type: req.headers['content-type'] });
      if (req.url?.endsWith('/query_range')) res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,"x",3]]}]}}');
      else res.writeHead(200, { 'content-type': 'text/html' }).end('<html>login</html>');
    });
    const port = await listenOnLoopback(server);
    try {
      const reader = createPrometheusReader({ url: `http://sre:s3cret@127.0.0.1:${port}/prometheus`, timeoutMs: 2000 });
      const html = await failure(reader.query('up', at));
      expect(html.code).toBe('prometheus_error');
      expect(html.message).toBe(`Prometheus at http://127.0.0.1:${port}/prometheus/ answered HTTP 200 with a body that is not JSON`);
      const shape = await failure(reader.queryRange('up', { start: at, end: at, stepSeconds: 60 }));
      expect(shape.message).toContain('not a query result');
      expect(JSON.stringify([html, shape, html.details, shape.details])).not.toContain('s3cret');
      // A path prefix is kept, and user:password@ in the URL becomes Basic authentication.
      expect(seen).toEqual([
        { url: '/prometheus/api/v1/query', auth: `Basic ${Buffer.from('sre:s3cret').toString('base64')}`, type: 'application/x-www-form-urlencoded' },
        { url: '/prometheus/api/v1/query_range', auth: `Basic ${Buffer.from('sre:s3cret').toString('base64')}`, type: 'application/x-www-form-urlencoded' },
      ]);
    } finally {
      server.close();
    }
  });

  it('says prometheus_error for an error status even with a success body', async () => {
    const server = createServer((_req, res) => {
      res.writeHead(503, { 'content-type': 'application/json' }).end('{"status":"success","data":{"resultType":"vector","result":[]}}');
    });
    const port = await listenOnLoopback(server);
    try {
      const err = await failure(createPrometheusReader({ url: `http://127.0.0.1:${port}`, timeoutMs: 2000 }).check());
      expect(err).toMatchObject({ code: 'prometheus_error', details: { status: 503 } });
    } finally {
      server.close();
    }
  });
});

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => resolve(body));
  });
}
