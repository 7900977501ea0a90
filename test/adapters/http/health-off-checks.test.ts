// Features switched off by configuration show in /readyz as `off: <why>` without changing its status.
import { afterEach, describe, expect, it } from 'vitest';
import { startHealthServer, type HealthServer } from '../../../src/adapters/http/health.ts';
import { createMetrics } from '../../../src/adapters/http/metrics.ts';
import { silentLogger } from '../../../src/logging.ts';

const running: HealthServer[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

const start = async (opts: { degraded?: Record<string, () => Promise<void>>; off?: Record<string, string> }) => {
  const server = await startHealthServer({
    port: 0, host: '127.0.0.1', metrics: createMetrics({ defaultMetrics: false }), logger: silentLogger,
    checks: { redis: async () => {} }, degradedChecks: opts.degraded ?? {}, offChecks: opts.off,
  });
  running.push(server);
  const res = await fetch(`http://127.0.0.1:${server.port}/readyz`);
  return { status: res.status, body: (await res.json()) as { status: string; checks: Record<string, string> } };
};

describe('/readyz with checks that are off', () => {
  it('lists them as off and stays ready', async () => {
    expect(await start({ off: { prometheus: 'PROMETHEUS_URL is not set' } })).toEqual({
      status: 200, body: { status: 'ready', checks: { prometheus: 'off: PROMETHEUS_URL is not set', redis: 'ok' } },
    });
  });

  it('reports a failing optional dependency as degraded, never unready', async () => {
    const { status, body } = await start({ degraded: { prometheus: async () => { throw Object.assign(new Error('Prometheus at http://127.0.0.1:9/ is unreachable: ECONNREFUSED'), { code: 'prometheus_unreachable' }); } } });
    expect(status).toBe(200);
    expect(body).toEqual({ status: 'degraded', checks: { redis: 'ok', prometheus: 'degraded: prometheus_unreachable: Prometheus at http://127.0.0.1:9/ is unreachable: ECONNREFUSED' } });
  });

  it('refuses a name that is both off and checked', async () => {
    await expect(start({ off: { redis: 'x' } })).rejects.toThrow('health checks named both off and checked: redis');
  });
});
