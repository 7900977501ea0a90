// Certificates for one test cluster, made with openssl: a CA, the API server's serving cert,
// an admin client cert (O=system:masters), a front-proxy CA and client cert for aggregated APIs,
// a fake-kubelet serving cert and the ServiceAccount signing key pair. EC P-256 keeps it fast.
import { randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface ClusterCerts {
  dir: string;
  caCert: string;
  caKey: string;
  servingCert: string;
  servingKey: string;
  adminCert: string;
  adminKey: string;
  frontProxyCaCert: string;
  frontProxyClientCert: string;
  frontProxyClientKey: string;
  kubeletCert: string;
  kubeletKey: string;
  saKey: string;
  saPub: string;
}

export const FRONT_PROXY_CLIENT_NAME = 'front-proxy-client';

async function openssl(args: string[]): Promise<void> {
  try {
    await run('openssl', args);
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? '';
    throw new Error(`openssl ${args[0]} failed: ${stderr.trim() || String(err)}`, { cause: err });
  }
}

async function ecKey(path: string): Promise<void> {
  await openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', path]);
}

async function selfSignedCa(dir: string, name: string, cn: string): Promise<{ cert: string; key: string }> {
  const key = join(dir, `${name}.key`);
  const cert = join(dir, `${name}.crt`);
  await ecKey(key);
  await openssl(['req', '-x509', '-new', '-key', key, '-out', cert, '-days', '2', '-subj', `/CN=${cn}`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign,digitalSignature']);
  return { cert, key };
}

async function signedCert(
  dir: string,
  name: string,
  subject: string,
  ca: { cert: string; key: string },
  extensions: string,
): Promise<{ cert: string; key: string }> {
  const key = join(dir, `${name}.key`);
  const csr = join(dir, `${name}.csr`);
  const cert = join(dir, `${name}.crt`);
  const ext = join(dir, `${name}.ext`);
  await ecKey(key);
  await openssl(['req', '-new', '-key', key, '-out', csr, '-subj', subject]);
  await writeFile(ext, extensions);
  // A random serial per certificate: -CAcreateserial races on ca.srl when several are signed at once.
  await openssl(['x509', '-req', '-in', csr, '-CA', ca.cert, '-CAkey', ca.key, '-set_serial', `0x${randomBytes(16).toString('hex')}`,
    '-out', cert, '-days', '2', '-extfile', ext]);
  return { cert, key };
}

const SERVER_EXT = 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n'
  + 'extendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n';
const CLIENT_EXT = 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n'
  + 'extendedKeyUsage=clientAuth\n';

export async function generateClusterCerts(dir: string): Promise<ClusterCerts> {
  const ca = await selfSignedCa(dir, 'ca', 'kube-ai-sre-test-ca');
  const frontProxyCa = await selfSignedCa(dir, 'front-proxy-ca', 'kube-ai-sre-test-front-proxy-ca');
  const [serving, admin, frontProxyClient, kubelet] = await Promise.all([
    signedCert(dir, 'apiserver', '/CN=kube-apiserver', ca, SERVER_EXT),
    signedCert(dir, 'admin', '/O=system:masters/CN=test-admin', ca, CLIENT_EXT),
    signedCert(dir, 'front-proxy-client', `/CN=${FRONT_PROXY_CLIENT_NAME}`, frontProxyCa, CLIENT_EXT),
    signedCert(dir, 'kubelet', '/CN=fake-kubelet', ca, SERVER_EXT),
  ]);
  const saKey = join(dir, 'sa.key');
  const saPub = join(dir, 'sa.pub');
  await ecKey(saKey);
  await openssl(['pkey', '-in', saKey, '-pubout', '-out', saPub]);
  return {
    dir,
    caCert: ca.cert,
    caKey: ca.key,
    servingCert: serving.cert,
    servingKey: serving.key,
    adminCert: admin.cert,
    adminKey: admin.key,
    frontProxyCaCert: frontProxyCa.cert,
    frontProxyClientCert: frontProxyClient.cert,
    frontProxyClientKey: frontProxyClient.key,
    kubeletCert: kubelet.cert,
    kubeletKey: kubelet.key,
    saKey,
    saPub,
  };
}
