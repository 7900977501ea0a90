// GET requests whose JSON the adapter reads itself. They go through client-node's configured
// transport — the kubeconfig's server, TLS, credentials and proxy (applySecurityAuthentication)
// and client-node's own fetch (IsomorphicFetchHttpLibrary) — but skip its model deserializer:
// a list page is parsed once, as plain JSON, and the caller turns it into core snapshots while
// the next page is on its way. Failures are the same ApiException the generated clients throw,
// so toK8sError maps them the same way.
import { ApiException, HttpMethod, IsomorphicFetchHttpLibrary, RequestContext, type KubeConfig } from './client-node.ts';

export type Query = Record<string, string | number | boolean | undefined>;

export interface KubeGetOptions {
  /** Accept header; JSON by default. */
  accept?: string;
  /** Aborts the request early (a watch being stopped); the per-request timeout applies anyway. */
  signal?: AbortSignal;
}

export interface KubeJson {
  /** GET path?query → the response body as text (2xx), else an ApiException. */
  getText(path: string, query?: Query, opts?: KubeGetOptions): Promise<string>;
  /** GET path?query → the parsed JSON body. */
  getJson(path: string, query?: Query, opts?: KubeGetOptions): Promise<unknown>;
}

/** What the API server answers in a list: items plus the paging metadata. */
export interface ListPage {
  items: unknown[];
  continueToken: string | undefined;
  resourceVersion: string | undefined;
}

const USER_AGENT = 'kube-ai-sre-agent';
const JSON_ACCEPT = 'application/json';
/** Metadata only (names, owners): a fraction of the bytes of full objects. Plain JSON as fallback. */
export const METADATA_LIST_ACCEPT = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

type Dispatcher = NonNullable<ReturnType<RequestContext['getDispatcher']>>;

/** How long one connection pool serves requests before a fresh one (re-read TLS files) takes over. */
const POOL_REUSE_MS = 5 * 60_000;

/**
 * What the TLS side of a request depends on, or undefined when it may change from one request
 * to the next (exec plugins and auth providers can hand out client certificates).
 */
function tlsIdentity(kc: KubeConfig): string | undefined {
  const c = kc.getCurrentCluster();
  const u = kc.getCurrentUser();
  if (!c || u?.exec || u?.authProvider) return undefined;
  return JSON.stringify([c.server, c.caFile, c.caData, c.skipTLSVerify, c.tlsServerName, c.proxyUrl, u?.certFile, u?.certData, u?.keyFile, u?.keyData]);
}

export function createKubeJson(kc: KubeConfig, opts: { timeoutMs: number }): KubeJson {
  const http = new IsomorphicFetchHttpLibrary();
  // client-node builds a new connection pool (undici Agent) for every request: one TLS handshake
  // per request. Requests with the same TLS settings share one pool for a while instead; the
  // credentials (headers) are still applied to every request.
  let pool: { identity: string; dispatcher: Dispatcher; since: number } | undefined;
  const sharedPool = (ctx: RequestContext): void => {
    const fresh = ctx.getDispatcher();
    const identity = tlsIdentity(kc);
    if (!fresh || identity === undefined) return;
    const now = performance.now();
    if (pool && pool.identity === identity && now - pool.since < POOL_REUSE_MS) {
      ctx.setDispatcher(pool.dispatcher);
      void fresh.close().catch(() => {});
      return;
    }
    const old = pool;
    pool = { identity, dispatcher: fresh, since: now };
    // In-flight requests on the old pool finish first.
    if (old) void old.dispatcher.close().catch(() => {});
  };

  async function getText(path: string, query: Query = {}, o: KubeGetOptions = {}): Promise<string> {
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new Error('No active cluster!');
    // server + path, as client-node does: a server URL with a path prefix (a proxy) keeps it.
    const url = new URL(cluster.server + path);
    for (const [key, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(key, String(value));
    const ctx = new RequestContext(url.toString(), HttpMethod.GET);
    ctx.setHeaderParam('Accept', o.accept ?? JSON_ACCEPT);
    ctx.setHeaderParam('User-Agent', USER_AGENT);
    await kc.applySecurityAuthentication(ctx);
    sharedPool(ctx);
    const timeout = AbortSignal.timeout(opts.timeoutMs);
    ctx.setSignal(o.signal ? AbortSignal.any([o.signal, timeout]) : timeout);
    const res = await http.send(ctx).toPromise();
    const body = await res.body.text();
    if (res.httpStatusCode < 200 || res.httpStatusCode > 299) {
      throw new ApiException(res.httpStatusCode, res.httpStatusCode === 401 ? 'Unauthorized' : `HTTP ${res.httpStatusCode}`, body, res.headers);
    }
    return body;
  }

  return {
    getText,
    async getJson(path, query, o) {
      return JSON.parse(await getText(path, query, o)) as unknown;
    },
  };
}

/** Reads a list response's items and paging fields; anything malformed reads as an empty page. */
export function toListPage(json: unknown): ListPage {
  const root = isRecord(json) ? json : {};
  const meta = isRecord(root.metadata) ? root.metadata : {};
  const cont = typeof meta.continue === 'string' && meta.continue !== '' ? meta.continue : undefined;
  return {
    items: Array.isArray(root.items) ? root.items : [],
    continueToken: cont,
    resourceVersion: typeof meta.resourceVersion === 'string' ? meta.resourceVersion : undefined,
  };
}

/**
 * Follows `continue` tokens page by page, handing each page's items to `onPage` before the next
 * page is requested: only one page of raw JSON is alive at a time.
 */
export async function forEachPage(
  kube: KubeJson,
  path: string,
  query: Query,
  onPage: (items: unknown[], page: ListPage) => void,
  opts: KubeGetOptions & { shouldStop?: () => boolean } = {},
): Promise<{ resourceVersion: string | undefined }> {
  let cont: string | undefined;
  let resourceVersion: string | undefined;
  do {
    const page = toListPage(await kube.getJson(path, { ...query, continue: cont }, opts));
    onPage(page.items, page);
    resourceVersion = page.resourceVersion ?? resourceVersion;
    cont = page.continueToken;
  } while (cont && !opts.shouldStop?.());
  return { resourceVersion };
}
