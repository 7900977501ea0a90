// Starts kube-apiserver with the flags envtest uses (RBAC on, ServiceAccount issuer and keys,
// loopback only), plus the front-proxy / requestheader flags an aggregated APIService needs.
import { join } from 'node:path';
import type { ClusterCerts } from './certs.ts';
import { FRONT_PROXY_CLIENT_NAME } from './certs.ts';
import { startProcess, type RunningProcess } from './child-process.ts';
import { httpsGet } from './https-get.ts';
import { retryReason, waitUntil } from './wait-until.ts';

export interface ApiServerOptions {
  binary: string;
  dir: string;
  port: number;
  etcdUrl: string;
  certs: ClusterCerts;
}

export function apiServerArgs({ dir, port, etcdUrl, certs }: ApiServerOptions): string[] {
  return [
    `--etcd-servers=${etcdUrl}`,
    '--advertise-address=127.0.0.1',
    '--bind-address=127.0.0.1',
    `--secure-port=${port}`,
    `--cert-dir=${join(dir, 'apiserver-certs')}`,
    `--tls-cert-file=${certs.servingCert}`,
    `--tls-private-key-file=${certs.servingKey}`,
    `--client-ca-file=${certs.caCert}`,
    `--service-account-issuer=https://127.0.0.1:${port}`,
    `--service-account-key-file=${certs.saPub}`,
    `--service-account-signing-key-file=${certs.saKey}`,
    '--authorization-mode=RBAC',
    // No controllers run, so nothing would create the "default" ServiceAccount pods wait for.
    '--disable-admission-plugins=ServiceAccount',
    '--service-cluster-ip-range=10.0.0.0/24',
    '--allow-privileged=true',
    '--kubelet-preferred-address-types=InternalIP',
    `--proxy-client-cert-file=${certs.frontProxyClientCert}`,
    `--proxy-client-key-file=${certs.frontProxyClientKey}`,
    `--requestheader-client-ca-file=${certs.frontProxyCaCert}`,
    `--requestheader-allowed-names=${FRONT_PROXY_CLIENT_NAME}`,
    '--requestheader-extra-headers-prefix=X-Remote-Extra-',
    '--requestheader-group-headers=X-Remote-Group',
    '--requestheader-username-headers=X-Remote-User',
    '-v=1',
  ];
}

export async function startApiServer(opts: ApiServerOptions): Promise<RunningProcess> {
  const proc = startProcess('kube-apiserver', opts.binary, apiServerArgs(opts), join(opts.dir, 'kube-apiserver.log'));
  const tls = { caFile: opts.certs.caCert, certFile: opts.certs.adminCert, keyFile: opts.certs.adminKey };
  try {
    await waitUntil('kube-apiserver /readyz', async () => {
      if (proc.hasExited()) throw new Error(`kube-apiserver exited:\n${proc.logTail()}`);
      try {
        const res = await httpsGet(`https://127.0.0.1:${opts.port}/readyz?verbose`, tls);
        return res.status === 200 ? true : `readyz ${res.status}: ${res.body.split('\n').filter((l) => l.includes('[-]')).join(', ')}`;
      } catch (err) {
        return retryReason(err);
      }
    }, { timeoutMs: 90_000, intervalMs: 200 });
  } catch (err) {
    await proc.stop(1_000);
    throw err;
  }
  return proc;
}
