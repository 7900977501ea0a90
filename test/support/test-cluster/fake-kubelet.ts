// A fake kubelet: the HTTPS endpoint the API server calls for pods/log. Serves
// /containerLogs/{ns}/{pod}/{container} from logs set per container (current and previous
// instance), honouring previous, tailLines and limitBytes the way the kubelet does (tail first,
// then cut at limitBytes), and failing like the kubelet when a pod or previous instance is unknown.
import { createServer, type Server } from 'node:https';
import { readFileSync } from 'node:fs';
import { listenOnLoopback } from '../listen.ts';

export interface ContainerLogs {
  current?: string;
  previous?: string;
}

export interface LogRequestSeen {
  namespace: string;
  pod: string;
  container: string;
  query: Record<string, string>;
}

export interface FakeKubelet {
  port: number;
  setLogs(namespace: string, pod: string, container: string, logs: ContainerLogs): void;
  /** Every container log request received, oldest first. */
  readonly requests: readonly LogRequestSeen[];
  close(): Promise<void>;
}

/** The kubelet's tail: the last n lines, a trailing newline not counting as a line. */
export function tailLines(text: string, n: number): string {
  if (n <= 0) return '';
  const lines = text.split('\n');
  const trailing = lines.at(-1) === '';
  if (trailing) lines.pop();
  const kept = lines.slice(-n).join('\n');
  return trailing && kept ? `${kept}\n` : kept;
}

export function applyLogOptions(text: string, query: Record<string, string>): Buffer {
  let out = text;
  if (query.tailLines !== undefined) out = tailLines(out, Number(query.tailLines));
  const buf = Buffer.from(out, 'utf8');
  return query.limitBytes !== undefined ? buf.subarray(0, Number(query.limitBytes)) : buf;
}

function key(namespace: string, pod: string, container: string): string {
  return `${namespace}/${pod}/${container}`;
}

export async function startFakeKubelet(tls: { certFile: string; keyFile: string }): Promise<FakeKubelet> {
  const logs = new Map<string, ContainerLogs>();
  const pods = new Set<string>();
  const requests: LogRequestSeen[] = [];
  const server: Server = createServer({ cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) }, (req, res) => {
    const url = new URL(req.url ?? '/', 'https://kubelet');
    const match = /^\/containerLogs\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(url.pathname);
    const fail = (status: number, message: string): void => {
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(message);
    };
    if (req.method !== 'GET' || !match) return fail(404, '404 page not found');
    const [namespace, pod, container] = match.slice(1).map(decodeURIComponent) as [string, string, string];
    const query = Object.fromEntries(url.searchParams);
    requests.push({ namespace, pod, container, query });
    if (!pods.has(`${namespace}/${pod}`)) return fail(404, `pod "${pod}" does not exist`);
    const entry = logs.get(key(namespace, pod, container));
    if (!entry) return fail(404, `container "${container}" not found in pod "${pod}"`);
    const previous = query.previous === 'true';
    const text = previous ? entry.previous : entry.current;
    if (text === undefined) {
      return fail(400, previous
        ? `previous terminated container "${container}" in pod "${pod}" not found`
        : `container "${container}" in pod "${pod}" is waiting to start: ContainerCreating`);
    }
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(applyLogOptions(text, query));
  });
  const port = await listenOnLoopback(server);
  return {
    port,
    setLogs(namespace, pod, container, value) {
      pods.add(`${namespace}/${pod}`);
      logs.set(key(namespace, pod, container), { ...value });
    },
    requests,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
