// A fake metrics-server: an HTTPS server answering the resource metrics API (metrics.k8s.io/v1beta1)
// the way metrics-server does: discovery (APIGroupList, APIGroup, APIResourceList with pods and
// nodes) and PodMetricsList / PodMetrics with containers[].usage.memory in Ki ("48232Ki"),
// timestamp and window. Usage is programmable per pod and container. It serves the aggregation
// layer (requests carry X-Remote-User from the API server's front proxy) or a client directly.
// Modes imitate a missing (404) or broken (503) metrics API.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { listenOnLoopback } from './listen.ts';

const run = promisify(execFile);

const GROUP = 'metrics.k8s.io';
const VERSION = 'v1beta1';
const GV = `${GROUP}/${VERSION}`;

export type FakeMetricsMode = 'serving' | 'not-found' | 'unavailable';

export interface FakePodMetrics {
  /** When the usage was measured (metrics-server: end of the scrape window). */
  timestamp: string;
  window?: string;
  /** container name → memory quantity, e.g. { app: "48232Ki" }. */
  memory: Record<string, string>;
  cpu?: Record<string, string>;
}

export interface MetricsRequestSeen {
  method: string;
  path: string;
  /** Set by the API server's aggregation proxy; absent for direct calls. */
  remoteUser?: string;
}

export interface FakeMetricsApi {
  port: number;
  /** https://127.0.0.1:<port> */
  url: string;
  /** PEM of the server's certificate (self-signed unless a cert was passed in), for a client's CA. */
  certPem: string;
  setPod(namespace: string, pod: string, metrics: FakePodMetrics): void;
  /** Changes one container's memory and the pod's timestamp, keeping its other containers. */
  setMemory(namespace: string, pod: string, container: string, memory: string, timestamp: string): void;
  removePod(namespace: string, pod: string): void;
  setMode(mode: FakeMetricsMode): void;
  readonly requests: readonly MetricsRequestSeen[];
  close(): Promise<void>;
}

/** Bytes as metrics-server prints memory: whole KiB ("48232Ki"). */
export function kiQuantity(bytes: number): string {
  return `${Math.round(bytes / 1024)}Ki`;
}

async function selfSignedCert(): Promise<{ cert: string; key: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'fake-metrics-api-'));
  try {
    await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2',
      '-subj', '/CN=fake-metrics-server', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-addext', 'basicConstraints=critical,CA:TRUE',
      '-keyout', join(dir, 'tls.key'), '-out', join(dir, 'tls.crt')]);
    return { cert: await readFile(join(dir, 'tls.crt'), 'utf8'), key: await readFile(join(dir, 'tls.key'), 'utf8') };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const RESOURCES = {
  kind: 'APIResourceList',
  apiVersion: 'v1',
  groupVersion: GV,
  resources: [
    { name: 'nodes', singularName: '', namespaced: false, kind: 'NodeMetrics', verbs: ['get', 'list'] },
    { name: 'pods', singularName: '', namespaced: true, kind: 'PodMetrics', verbs: ['get', 'list'] },
  ],
};
const GROUP_DOC = { name: GROUP, versions: [{ groupVersion: GV, version: VERSION }], preferredVersion: { groupVersion: GV, version: VERSION } };

function status(code: number, reason: string, message: string): Record<string, unknown> {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}

export async function startFakeMetricsApi(tls?: { cert: string; key: string }): Promise<FakeMetricsApi> {
  const { cert, key } = tls ?? (await selfSignedCert());
  const pods = new Map<string, Map<string, FakePodMetrics>>();
  const requests: MetricsRequestSeen[] = [];
  let mode: FakeMetricsMode = 'serving';

  const podMetrics = (namespace: string, name: string, m: FakePodMetrics): Record<string, unknown> => ({
    metadata: { name, namespace, creationTimestamp: m.timestamp, labels: {} },
    timestamp: m.timestamp,
    window: m.window ?? '15.021s',
    containers: Object.entries(m.memory).map(([container, memory]) => ({
      name: container,
      usage: { cpu: m.cpu?.[container] ?? '1m', memory },
    })),
  });

  const server: Server = createServer({ cert, key }, (req, res) => {
    const url = new URL(req.url ?? '/', 'https://metrics');
    const user = req.headers['x-remote-user'];
    requests.push({ method: req.method ?? 'GET', path: url.pathname, ...(typeof user === 'string' ? { remoteUser: user } : {}) });
    const send = (code: number, body: unknown): void => {
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const path = url.pathname.replace(/\/+$/, '');
    if (path === '/healthz' || path === '/readyz' || path === '/livez') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
      return;
    }
    if (req.method !== 'GET') return send(405, status(405, 'MethodNotAllowed', `${req.method} is not supported`));
    if (mode === 'unavailable') return send(503, status(503, 'ServiceUnavailable', 'the server is currently unable to handle the request'));
    if (mode === 'not-found' || !path.startsWith('/apis')) return send(404, status(404, 'NotFound', 'the server could not find the requested resource'));

    if (path === '/apis') return send(200, { kind: 'APIGroupList', apiVersion: 'v1', groups: [GROUP_DOC] });
    if (path === `/apis/${GROUP}`) return send(200, { kind: 'APIGroup', apiVersion: 'v1', ...GROUP_DOC });
    if (path === `/apis/${GV}`) return send(200, RESOURCES);
    if (path === `/apis/${GV}/nodes`) return send(200, { kind: 'NodeMetricsList', apiVersion: GV, metadata: {}, items: [] });
    if (path === `/apis/${GV}/pods`) {
      const items = [...pods].flatMap(([ns, byName]) => [...byName].map(([name, m]) => podMetrics(ns, name, m)));
      return send(200, { kind: 'PodMetricsList', apiVersion: GV, metadata: {}, items });
    }
    const match = /^\/apis\/metrics\.k8s\.io\/v1beta1\/namespaces\/([^/]+)\/pods(?:\/([^/]+))?$/.exec(path);
    if (!match) return send(404, status(404, 'NotFound', 'the server could not find the requested resource'));
    const [namespace, name] = [decodeURIComponent(match[1]!), match[2] === undefined ? undefined : decodeURIComponent(match[2])];
    const byName = pods.get(namespace) ?? new Map<string, FakePodMetrics>();
    if (name === undefined) {
      const items = [...byName].map(([pod, m]) => podMetrics(namespace, pod, m));
      return send(200, { kind: 'PodMetricsList', apiVersion: GV, metadata: {}, items });
    }
    const m = byName.get(name);
    if (!m) return send(404, status(404, 'NotFound', `podmetrics.metrics.k8s.io "${name}" not found`));
    return send(200, { kind: 'PodMetrics', apiVersion: GV, ...podMetrics(namespace, name, m) });
  });
  const port = await listenOnLoopback(server);

  const setPod = (namespace: string, pod: string, metrics: FakePodMetrics): void => {
    const byName = pods.get(namespace) ?? new Map<string, FakePodMetrics>();
    byName.set(pod, { ...metrics, memory: { ...metrics.memory } });
    pods.set(namespace, byName);
  };

  return {
    port,
    url: `https://127.0.0.1:${port}`,
    certPem: cert,
    setPod,
    setMemory(namespace, pod, container, memory, timestamp) {
      const current = pods.get(namespace)?.get(pod);
      setPod(namespace, pod, { ...current, timestamp, memory: { ...current?.memory, [container]: memory } });
    },
    removePod(namespace, pod) {
      pods.get(namespace)?.delete(pod);
    },
    setMode(next) {
      mode = next;
    },
    requests,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
