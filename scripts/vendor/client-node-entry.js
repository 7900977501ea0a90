// The part of @kubernetes/client-node the agent runs: the kubeconfig (credentials, TLS, proxies),
// its transport and the watch. Bundled by scripts/vendor/client-node.ts into
// src/adapters/kubernetes/vendor/client-node.js.
export { ApiException, HttpMethod, IsomorphicFetchHttpLibrary, KubeConfig, RequestContext, Watch } from '@kubernetes/client-node';
