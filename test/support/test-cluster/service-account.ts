// A KubeConfig acting as a ServiceAccount, with a token from the TokenRequest API.
import { KubeConfig, type CoreV1Api } from '@kubernetes/client-node';

export async function serviceAccountToken(core: CoreV1Api, namespace: string, name: string, expirationSeconds = 3600): Promise<string> {
  const res = await core.createNamespacedServiceAccountToken({
    name, namespace, body: { spec: { audiences: [], expirationSeconds } },
  });
  const token = res.status?.token;
  if (!token) throw new Error(`TokenRequest for ${namespace}/${name} returned no token`);
  return token;
}

export function tokenKubeConfig(server: string, caFile: string, token: string, user = 'service-account'): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'test', server, caFile, skipTLSVerify: false }],
    users: [{ name: user, token }],
    contexts: [{ name: 'test', cluster: 'test', user }],
    currentContext: 'test',
  });
  return kc;
}
