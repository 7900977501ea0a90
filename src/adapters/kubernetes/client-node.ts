// The part of @kubernetes/client-node the agent runs: the kubeconfig (credentials, TLS, proxies),
// its transport and the watch. The package's index loads ~2,800 modules (every generated API and
// model class, ~85 MiB of RSS); `npm ci` builds a tree-shaken bundle of just these exports
// (scripts/vendor/client-node.ts, run by `prepare`) into vendor/, which is loaded when present.
// An install that ran no scripts still works: it loads the package itself, the same classes at
// the heavier cost.
import { existsSync } from 'node:fs';
import type * as ClientNode from '@kubernetes/client-node';

const BUNDLE = new URL('./vendor/client-node.js', import.meta.url);

/** The bundle when it was built, else the package: the same classes either way. */
export async function loadClientNode(bundle: URL): Promise<{ module: typeof ClientNode; bundled: boolean }> {
  const bundled = existsSync(bundle);
  return { module: (bundled ? await import(bundle.href) : await import('@kubernetes/client-node')) as typeof ClientNode, bundled };
}

const loaded = await loadClientNode(BUNDLE);
/** Whether the agent runs the bundle built at install, rather than the whole package. */
export const clientNodeBundled = loaded.bundled;
const mod = loaded.module;

export const { ApiException, HttpMethod, IsomorphicFetchHttpLibrary, KubeConfig, RequestContext, Watch } = mod;
export type ApiException<T> = ClientNode.ApiException<T>;
export type HttpMethod = ClientNode.HttpMethod;
export type IsomorphicFetchHttpLibrary = ClientNode.IsomorphicFetchHttpLibrary;
export type KubeConfig = ClientNode.KubeConfig;
export type RequestContext = ClientNode.RequestContext;
export type Watch = ClientNode.Watch;
