// Turns client-node failures into AppErrors with k8s_* codes and one clear line of message.
import { AppError } from '../../core/errors.ts';

/** What was being attempted, for the message: verb "list", resource "pods", namespace "demo"... */
export interface K8sAction {
  verb: string;
  resource: string;
  name?: string;
  namespace?: string;
}

// Socket and DNS failures (Node and undici codes), plus our own request timeout.
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENOTFOUND', 'EAI_AGAIN',
  'EPIPE', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED',
]);
const TIMEOUT_NAMES = new Set(['TimeoutError', 'AbortError']);

function describe(a: K8sAction): string {
  const what = a.name !== undefined ? `${a.resource} "${a.name}"` : a.resource;
  return a.namespace !== undefined ? `${what} in namespace "${a.namespace}"` : what;
}

/** The Status message the API server sent, if any (the body may be a string or an object). */
function statusMessage(body: unknown): string | undefined {
  let value: unknown = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body);
    } catch {
      return body.trim() || undefined;
    }
  }
  if (value && typeof value === 'object' && 'message' in value && typeof value.message === 'string') return value.message;
  return undefined;
}

/** Codes and names along the cause chain (fetch wraps socket errors, sometimes in an AggregateError). */
function causes(err: unknown): { codes: string[]; names: string[] } {
  const codes: string[] = [];
  const names: string[] = [];
  const seen = new Set<unknown>();
  const visit = (e: unknown): void => {
    if (!e || typeof e !== 'object' || seen.has(e)) return;
    seen.add(e);
    const rec = e as { code?: unknown; name?: unknown; cause?: unknown; errors?: unknown };
    if (typeof rec.code === 'string') codes.push(rec.code);
    if (typeof rec.name === 'string') names.push(rec.name);
    visit(rec.cause);
    if (Array.isArray(rec.errors)) rec.errors.forEach(visit);
  };
  visit(err);
  return { codes, names };
}

const oneLine = (s: string): string => s.replace(/\s+/g, ' ').trim();

/**
 * The HTTP status of client-node's ApiException (the API server answered, not 2xx). Read from the
 * error's shape — a numeric `code` beside the response `body` and `headers` — so the package's
 * class and the agent's bundled copy of it (client-node.ts) are recognised alike.
 */
export function apiErrorStatus(err: unknown): number | undefined {
  if (!(err instanceof Error)) return undefined;
  const e = err as Error & { code?: unknown; body?: unknown; headers?: unknown };
  return typeof e.code === 'number' && 'body' in e && typeof e.headers === 'object' && e.headers !== null ? e.code : undefined;
}

export function toK8sError(err: unknown, action: K8sAction): AppError {
  if (err instanceof AppError) return err;
  const target = describe(action);
  const details: Record<string, unknown> = { ...action };
  const status = apiErrorStatus(err);
  if (status !== undefined) {
    const server = statusMessage((err as { body?: unknown }).body);
    details.status = status;
    const opts = { cause: err };
    switch (status) {
      case 403:
        return new AppError('k8s_forbidden', `forbidden: cannot ${action.verb} ${target} (RBAC)`, details, opts);
      case 404:
        return new AppError('k8s_not_found', `not found: ${target}`, details, opts);
      case 410:
        return new AppError('k8s_gone', `gone: cannot ${action.verb} ${target}: ${oneLine(server ?? 'the resource version is too old')}`, details, opts);
      case 401:
        return new AppError('k8s_error', `unauthorized: the Kubernetes API rejected the credentials to ${action.verb} ${target}`, details, opts);
      default:
        return new AppError('k8s_error', `kubernetes API error ${status}: cannot ${action.verb} ${target}${server ? `: ${oneLine(server)}` : ''}`, details, opts);
    }
  }
  const { codes, names } = causes(err);
  const code = codes.find((c) => UNREACHABLE_CODES.has(c));
  const timedOut = names.some((n) => TIMEOUT_NAMES.has(n));
  if (code || timedOut) {
    details.errno = code ?? 'timeout';
    return new AppError('k8s_unreachable', `unreachable: cannot ${action.verb} ${target}: Kubernetes API ${timedOut && !code ? 'timed out' : `connection failed (${code})`}`, details, { cause: err });
  }
  const reason = err instanceof Error ? err.message : String(err);
  const extra = codes.length > 0 ? ` (${codes.join(', ')})` : '';
  return new AppError('k8s_error', `kubernetes client error: cannot ${action.verb} ${target}: ${oneLine(reason)}${extra}`, details, { cause: err });
}
