import { afterEach, describe, expect, it } from 'vitest';
import { startHealthServer } from '../../../src/adapters/http/health.ts';
import type { HealthServer, HealthServerOptions } from '../../../src/adapters/http/health.ts';
import { createMetrics } from '../../../src/adapters/http/metrics.ts';
import { AppError } from '../../../src/core/errors.ts';
import { silentLogger } from '../../../src/logging.ts';
import type { Logger } from '../../../src/ports.ts';

const ok = async (): Promise<void> => {};
const fail = (message: string) => async (): Promise<void> => {
  throw new Error(message);
};
const never = (): Promise<void> => new Promise<void>(() => {});

const running: HealthServer[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

async function start(overrides: Partial<HealthServerOptions> = {}): Promise<{ base: string; server: HealthServer }> {
  const server = await startHealthServer({
    port: 0,
    host: '127.0.0.1',
    metrics: createMetrics({ defaultMetrics: false }),
    checks: { redis: ok, kubernetes: ok, slack: ok },
    degradedChecks: { ollama: ok },
    logger: silentLogger,
    ...overrides,
  });
  running.push(server);
  return { base: `http://127.0.0.1:${server.port}`, server };
}

async function readyz(base: string): Promise<{ status: number; body: { status: string; checks: Record<string, string> } }> {
  const res = await fetch(`${base}/readyz`);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  return { status: res.status, body: (await res.json()) as { status: string; checks: Record<string, string> } };
}

describe('startHealthServer', () => {
  it('binds a free port when asked for port 0', async () => {
    const { server } = await start();
    expect(server.port).toBeGreaterThan(0);
  });

  it('answers /healthz with 200 ok', async () => {
    const { base } = await start({ checks: { redis: fail('down') } });
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('ok\n');
  });

  it('is ready when every check passes', async () => {
    const { base } = await start();
    expect(await readyz(base)).toEqual({
      status: 200,
      body: { status: 'ready', checks: { redis: 'ok', kubernetes: 'ok', slack: 'ok', ollama: 'ok' } },
    });
  });

  it('is unready (503) and names the failing required check', async () => {
    const { base } = await start({ checks: { redis: fail('connect ECONNREFUSED 127.0.0.1:6379'), kubernetes: ok, slack: ok } });
    const { status, body } = await readyz(base);
    expect(status).toBe(503);
    expect(body.status).toBe('unready');
    expect(body.checks).toEqual({
      redis: 'failed: connect ECONNREFUSED 127.0.0.1:6379',
      kubernetes: 'ok',
      slack: 'ok',
      ollama: 'ok',
    });
  });

  it('stays unready when a degraded check fails too', async () => {
    const { base } = await start({ checks: { slack: fail('invalid_auth') }, degradedChecks: { ollama: fail('unreachable') } });
    const { status, body } = await readyz(base);
    expect(status).toBe(503);
    expect(body).toEqual({ status: 'unready', checks: { slack: 'failed: invalid_auth', ollama: 'degraded: unreachable' } });
  });

  it('is degraded (still 200) when only a degraded check fails', async () => {
    const { base } = await start({
      degradedChecks: { ollama: async () => { throw new AppError('llm_model_missing', 'model mistral not pulled'); } },
    });
    const { status, body } = await readyz(base);
    expect(status).toBe(200);
    expect(body.status).toBe('degraded');
    expect(body.checks.ollama).toBe('degraded: llm_model_missing: model mistral not pulled');
    expect(body.checks.redis).toBe('ok');
  });

  it('times out a hanging check instead of hanging the probe', async () => {
    const { base } = await start({ checkTimeoutMs: 50, checks: { redis: ok, kubernetes: never }, degradedChecks: { ollama: never } });
    const { status, body } = await readyz(base);
    expect(status).toBe(503);
    expect(body.checks).toEqual({
      redis: 'ok',
      kubernetes: 'failed: kubernetes check timed out after 50 ms',
      ollama: 'degraded: ollama check timed out after 50 ms',
    });
  });

  it('reports a check that throws synchronously, on one line', async () => {
    const { base } = await start({
      checks: {
        kubernetes: () => {
          throw new Error('first line\n    at stack frame');
        },
      },
    });
    const { status, body } = await readyz(base);
    expect(status).toBe(503);
    expect(body.checks.kubernetes).toBe('failed: first line');
  });

  it('truncates a very long reason', async () => {
    const { base } = await start({ checks: { slack: fail('x'.repeat(5000)) } });
    const { body } = await readyz(base);
    expect(body.checks.slack!.length).toBeLessThanOrEqual('failed: '.length + 200);
  });

  it('reflects recovery on the next probe', async () => {
    let healthy = false;
    const { base } = await start({
      checks: {
        redis: async () => {
          if (!healthy) throw new Error('down');
        },
      },
    });
    expect((await readyz(base)).status).toBe(503);
    healthy = true;
    expect(await readyz(base)).toEqual({ status: 200, body: { status: 'ready', checks: { redis: 'ok', ollama: 'ok' } } });
  });

  it('logs a failing check once, not on every probe', async () => {
    const warnings: Record<string, unknown>[] = [];
    const logger: Logger = {
      debug: () => {},
      info: () => {},
      warn: (obj) => warnings.push(obj),
      error: () => {},
      child: () => logger,
    };
    const { base } = await start({ logger, checks: { redis: fail('down') } });
    await readyz(base);
    await readyz(base);
    expect(warnings).toEqual([{ check: 'redis', result: 'failed: down' }]);
  });

  it('serves Prometheus text on /metrics with the metrics incremented', async () => {
    const metrics = createMetrics();
    metrics.scansTotal.inc({ namespace: 'demo', trigger: 'schedule', outcome: 'ok' });
    metrics.llmFallbacksTotal.inc({ reason: 'llm_invalid_json' });
    metrics.watchRestartsTotal.inc({ watch: 'pods', reason: 'gone' });
    metrics.setQueueDepthSource(async () => [{ queue: 'analyze', state: 'waiting', count: 2 }]);
    const { base } = await start({ metrics });
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(metrics.contentType);
    const text = await res.text();
    expect(text).toContain('kube_ai_sre_scans_total{namespace="demo",trigger="schedule",outcome="ok"} 1');
    expect(text).toContain('kube_ai_sre_llm_fallbacks_total{reason="llm_invalid_json"} 1');
    expect(text).toContain('kube_ai_sre_watch_restarts_total{watch="pods",reason="gone"} 1');
    expect(text).toContain('kube_ai_sre_queue_depth{queue="analyze",state="waiting"} 2');
    expect(text).toContain('process_resident_memory_bytes');
  });

  it.each([
    ['GET', '/nope', 404],
    ['POST', '/healthz', 405],
    ['HEAD', '/healthz', 200],
  ])('%s %s → %i', async (method, path, expected) => {
    const { base } = await start();
    const res = await fetch(`${base}${path}`, { method });
    expect(res.status).toBe(expected);
  });

  it('refuses a check registered as both required and degraded', async () => {
    await expect(start({ checks: { ollama: ok }, degradedChecks: { ollama: ok } })).rejects.toThrow(/ollama/);
  });

  it('rejects when the port is taken', async () => {
    const { server } = await start();
    await expect(start({ port: server.port })).rejects.toThrow(/EADDRINUSE/);
  });
});
