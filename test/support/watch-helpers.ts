// Helpers for watch tests: a TLS proxy in front of a test API server that can cut connections,
// refuse them for a while, answer the next watch with "410 Gone" the way the API server does, or
// hold a watch without answering; and a recorder of pod deliveries with waits on its contents.
import { createServer, request, type Server } from 'node:https';
import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import type { PodSnapshot } from '../../src/core/model.ts';
import type { PodChangeType } from '../../src/adapters/kubernetes/pod-watch.ts';
import { waitUntil } from './test-cluster/wait-until.ts';
import { listenOnLoopback } from './listen.ts';

export interface ProxiedRequest {
  method: string;
  path: string;
  watch: boolean;
  /** Answered by the proxy itself with 410 Gone. */
  gone: boolean;
}

export interface ApiProxy {
  /** Talks to the proxy (token auth that the proxy drops; it forwards with the admin certificate). */
  kubeConfig: KubeConfig;
  /** Every request that reached the proxy, in order. */
  requests: ProxiedRequest[];
  /** The next watch gets an ERROR event with code 410 (resource version too old), then the end of the stream. */
  expireNextWatch(): void;
  /** Destroys every open connection, as a network blip would. */
  resetConnections(): void;
  /** While blocked, every new connection is destroyed as soon as it is accepted. */
  setBlocked(blocked: boolean): void;
  /** While set, watch requests are accepted and never answered. */
  setStallWatches(stall: boolean): void;
  /** Connections currently open. */
  openConnections(): number;
  close(): Promise<void>;
}

export interface ApiProxyOptions {
  /** https://127.0.0.1:<port> of the API server. */
  upstream: string;
  caFile: string;
  /** Client certificate the proxy presents upstream. */
  clientCertFile: string;
  clientKeyFile: string;
  /** Serving certificate for 127.0.0.1 signed by caFile. */
  servingCertFile: string;
  servingKeyFile: string;
}

const GONE_EVENT = JSON.stringify({
  type: 'ERROR',
  object: {
    kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
    message: 'too old resource version: 1 (2)', reason: 'Expired', code: 410,
  },
});

export async function startApiProxy(opts: ApiProxyOptions): Promise<ApiProxy> {
  const ca = readFileSync(opts.caFile);
  const upstreamTls = { ca, cert: readFileSync(opts.clientCertFile), key: readFileSync(opts.clientKeyFile) };
  const sockets = new Set<Socket>();
  const requests: ProxiedRequest[] = [];
  let expireNext = false;
  let blocked = false;
  let stall = false;

  const server: Server = createServer({ cert: readFileSync(opts.servingCertFile), key: readFileSync(opts.servingKeyFile) }, (req, res) => {
    const url = new URL(req.url ?? '/', 'https://proxy.invalid');
    const watch = url.searchParams.get('watch') === 'true';
    const record: ProxiedRequest = { method: req.method ?? 'GET', path: `${url.pathname}${url.search}`, watch, gone: false };
    requests.push(record);
    if (watch && expireNext) {
      expireNext = false;
      record.gone = true;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(`${GONE_EVENT}\n`);
      return;
    }
    if (watch && stall) return;
    const headers = { ...req.headers };
    delete headers.authorization;
    delete headers.host;
    const up = request(`${opts.upstream}${req.url ?? '/'}`, { method: req.method, headers, ...upstreamTls }, (upRes) => {
      res.writeHead(upRes.statusCode ?? 502, upRes.headers);
      upRes.pipe(res);
    });
    up.on('error', () => {
      if (!res.headersSent) res.writeHead(502).end();
      else res.destroy();
    });
    res.on('close', () => up.destroy());
    req.pipe(up);
  });
  server.on('connection', (socket: Socket) => {
    if (blocked) {
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const kubeConfig = proxyKubeConfig('proxy', await listenOnLoopback(server), ca);

  const resetConnections = (): void => {
    for (const socket of sockets) socket.destroy();
  };
  return {
    kubeConfig,
    requests,
    expireNextWatch: () => {
      expireNext = true;
    },
    resetConnections,
    setBlocked: (value) => {
      blocked = value;
    },
    setStallWatches: (value) => {
      stall = value;
    },
    openConnections: () => sockets.size,
    close: async () => {
      resetConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface Delivery {
  type: PodChangeType;
  pod: PodSnapshot;
}

export interface DeliveryRecorder {
  deliveries: Delivery[];
  onPod: (pod: PodSnapshot, type: PodChangeType) => void;
  /** Waits until a delivery matches (polling; fails after timeoutMs with what was seen). */
  waitFor(what: string, match: (d: Delivery) => boolean, timeoutMs?: number): Promise<Delivery>;
}

export function recordDeliveries(): DeliveryRecorder {
  const deliveries: Delivery[] = [];
  return {
    deliveries,
    onPod: (pod, type) => {
      deliveries.push({ type, pod });
    },
    async waitFor(what, match, timeoutMs = 60_000) {
      let found: Delivery | undefined;
      await waitUntil(what, async () => {
        found = deliveries.find(match);
        return found ? true : `${deliveries.length} deliveries so far: ${deliveries.map((d) => `${d.type} ${d.pod.name}`).slice(-10).join(', ')}`;
      }, { timeoutMs, intervalMs: 50 });
      return found!;
    },
  };
}

/**
 * A kubeconfig for a test proxy in front of the API server, trusting the cluster CA. The proxy
 * authenticates upstream itself, so the token here is a placeholder it drops.
 */
export function proxyKubeConfig(name: string, port: number, ca: Buffer): KubeConfig {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [{ name, server: `https://127.0.0.1:${port}`, caData: ca.toString('base64'), skipTLSVerify: false }],
    users: [{ name, token: 'dropped-by-the-proxy' }],
    contexts: [{ name, cluster: name, user: name }],
    currentContext: name,
  });
  return kubeConfig;
}
