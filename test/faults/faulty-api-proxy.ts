// A TLS proxy in front of the test API server that misbehaves on request: the next N requests whose
// path matches answer an HTTP error, are answered late, or have their connection cut. Everything
// else is forwarded with the admin certificate.
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, request } from 'node:https';
import type { Socket } from 'node:net';
import type { KubeConfig } from '@kubernetes/client-node';
import { proxyKubeConfig } from '../support/watch-helpers.ts';
import { listenOnLoopback } from '../support/listen.ts';

export type ApiFault =
  | { kind: 'status'; status: number; message?: string }
  | { kind: 'delay'; ms: number }
  | { kind: 'cut' };

export interface FaultyApiProxy {
  kubeConfig: KubeConfig;
  /** Paths (with query) of every request, and the fault applied to it, if any. */
  log: Array<{ path: string; fault?: ApiFault['kind'] }>;
  /** The next `times` requests whose path matches get `fault`. */
  failNext(match: RegExp, fault: ApiFault, times?: number): void;
  close(): Promise<void>;
}

export interface FaultyApiProxyOptions {
  upstream: string;
  caFile: string;
  clientCertFile: string;
  clientKeyFile: string;
  servingCertFile: string;
  servingKeyFile: string;
}

export async function startFaultyApiProxy(opts: FaultyApiProxyOptions): Promise<FaultyApiProxy> {
  const ca = readFileSync(opts.caFile);
  const upstreamTls = { ca, cert: readFileSync(opts.clientCertFile), key: readFileSync(opts.clientKeyFile) };
  const rules: Array<{ match: RegExp; fault: ApiFault; left: number }> = [];
  const log: FaultyApiProxy['log'] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const forward = (req: IncomingMessage, res: ServerResponse): void => {
    const headers = { ...req.headers };
    delete headers.authorization;
    delete headers.host;
    const up = request(`${opts.upstream}${req.url ?? '/'}`, { method: req.method, headers, ...upstreamTls }, (upRes) => {
      res.writeHead(upRes.statusCode ?? 502, upRes.headers);
      upRes.pipe(res);
    });
    up.on('error', () => (res.headersSent ? res.destroy() : res.writeHead(502).end()));
    res.on('close', () => up.destroy());
    req.pipe(up);
  };

  const server = createServer({ cert: readFileSync(opts.servingCertFile), key: readFileSync(opts.servingKeyFile) }, (req, res) => {
    const path = req.url ?? '/';
    const rule = rules.find((r) => r.left > 0 && r.match.test(path));
    log.push({ path, ...(rule ? { fault: rule.fault.kind } : {}) });
    if (!rule) return forward(req, res);
    rule.left -= 1;
    const fault = rule.fault;
    switch (fault.kind) {
      case 'status': {
        const body = JSON.stringify({
          kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
          message: fault.message ?? 'etcdserver: request timed out', reason: 'InternalError', code: fault.status,
        });
        res.writeHead(fault.status, { 'content-type': 'application/json' }).end(body);
        return;
      }
      case 'delay': {
        const t = setTimeout(() => {
          timers.delete(t);
          forward(req, res);
        }, fault.ms);
        timers.add(t);
        return;
      }
      case 'cut':
        req.socket.destroy();
    }
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const kubeConfig = proxyKubeConfig('faulty', await listenOnLoopback(server), ca);

  return {
    kubeConfig,
    log,
    failNext: (match, fault, times = 1) => void rules.push({ match, fault, left: times }),
    close: async () => {
      for (const t of timers) clearTimeout(t);
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
