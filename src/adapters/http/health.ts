// Liveness, readiness and metrics over plain node:http, on its own port so probes and
// Prometheus never depend on the Slack receiver.
//   GET /healthz → 200 "ok" while the process serves requests
//   GET /readyz  → 200 ready|degraded, 503 unready, JSON {status, checks}
//   GET /metrics → Prometheus text exposition
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../../ports.ts';
import type { Metrics } from './metrics.ts';
import { checkReadiness } from './readiness.ts';
import type { Check, ReadinessReport } from './readiness.ts';
import { listen } from './listen.ts';

export interface HealthServerOptions {
  /** 0 picks a free port (tests); the bound port is returned. */
  port: number;
  /** Defaults to all interfaces, which a container needs for the kubelet to reach the probes. */
  host?: string;
  metrics: Metrics;
  /** Failing any of these makes /readyz answer 503 (e.g. redis, kubernetes, slack). */
  checks: Record<string, Check>;
  /** Failing any of these keeps /readyz at 200 but reports `degraded` (e.g. ollama). */
  degradedChecks?: Record<string, Check>;
  /** Features switched off by configuration, listed in the checks as `off: <why>` (e.g. prometheus); they never change the status. */
  offChecks?: Record<string, string>;
  logger: Logger;
  /** Per-check bound; keep it below the readiness probe's timeoutSeconds. Default 3000 ms. */
  checkTimeoutMs?: number;
}

export interface HealthServer {
  port: number;
  close(): Promise<void>;
}

const DEFAULT_CHECK_TIMEOUT_MS = 3_000;

export async function startHealthServer(opts: HealthServerOptions): Promise<HealthServer> {
  const degradedChecks = opts.degradedChecks ?? {};
  const clash = Object.keys(opts.checks).filter((name) => name in degradedChecks);
  if (clash.length > 0) throw new Error(`health checks named both required and degraded: ${clash.join(', ')}`);
  const offChecks = Object.fromEntries(Object.entries(opts.offChecks ?? {}).map(([name, why]) => [name, `off: ${why}`]));
  const offClash = Object.keys(offChecks).filter((name) => name in opts.checks || name in degradedChecks);
  if (offClash.length > 0) throw new Error(`health checks named both off and checked: ${offClash.join(', ')}`);
  const timeoutMs = opts.checkTimeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  const logger = opts.logger.child({ component: 'health' });

  // Concurrent probes (kubelet, compose, a curious human) share one run of the checks.
  let inflight: Promise<ReadinessReport> | undefined;
  let last: ReadinessReport | undefined;
  const readiness = (): Promise<ReadinessReport> => {
    inflight ??= checkReadiness(opts.checks, degradedChecks, timeoutMs)
      .then((report) => {
        logTransitions(logger, last, report);
        last = report;
        return opts.offChecks ? { ...report, checks: { ...offChecks, ...report.checks } } : report;
      })
      .finally(() => {
        inflight = undefined;
      });
    return inflight;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return send(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n', { allow: 'GET, HEAD' });
    }
    switch (path) {
      case '/healthz':
        return send(res, 200, 'text/plain; charset=utf-8', 'ok\n');
      case '/readyz': {
        const report = await readiness();
        return send(res, report.status === 'unready' ? 503 : 200, 'application/json; charset=utf-8', `${JSON.stringify(report)}\n`);
      }
      case '/metrics':
        return send(res, 200, opts.metrics.contentType, await opts.metrics.scrape());
      default:
        return send(res, 404, 'text/plain; charset=utf-8', 'not found\n');
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      logger.error({ err, path: req.url }, 'health endpoint failed');
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'internal error\n');
      else res.destroy();
    });
  });

  const listening = await listen(server, opts.port, opts.host);
  server.on('error', (err) => logger.error({ err }, 'health server error'));
  logger.info({ port: listening.port, host: opts.host ?? '*' }, 'health server listening');
  return listening;
}

function send(res: ServerResponse, status: number, contentType: string, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(body);
}

/** Logs only changes, so probes every few seconds don't flood the log. */
function logTransitions(logger: Logger, before: ReadinessReport | undefined, after: ReadinessReport): void {
  for (const [name, result] of Object.entries(after.checks)) {
    const previous = before?.checks[name];
    if (previous === result) continue;
    if (result === 'ok') {
      if (previous !== undefined) logger.info({ check: name }, 'readiness check recovered');
    } else {
      logger.warn({ check: name, result }, 'readiness check failing');
    }
  }
  if (before?.status !== after.status) logger.info({ status: after.status }, 'readiness changed');
}
