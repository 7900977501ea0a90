// Writes a kubeconfig for the admin client certificate (data embedded, so the file stands alone).
import { readFileSync, writeFileSync } from 'node:fs';
import { stringify } from 'yaml';

export interface KubeconfigInput {
  path: string;
  server: string;
  caFile: string;
  user: { certFile: string; keyFile: string } | { token: string };
  userName?: string;
}

const b64 = (file: string): string => readFileSync(file).toString('base64');

export function writeKubeconfig({ path, server, caFile, user, userName = 'admin' }: KubeconfigInput): string {
  const credentials = 'token' in user
    ? { token: user.token }
    : { 'client-certificate-data': b64(user.certFile), 'client-key-data': b64(user.keyFile) };
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'test', cluster: { server, 'certificate-authority-data': b64(caFile) } }],
    users: [{ name: userName, user: credentials }],
    contexts: [{ name: 'test', context: { cluster: 'test', user: userName } }],
    'current-context': 'test',
  };
  writeFileSync(path, stringify(doc), { mode: 0o600 });
  return path;
}
