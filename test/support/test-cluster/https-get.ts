// One HTTPS GET with the cluster's CA and a client cert; used for /readyz before any SDK client exists.
import { request } from 'node:https';
import { readFileSync } from 'node:fs';

export interface TlsFiles {
  caFile: string;
  certFile: string;
  keyFile: string;
}

export function httpsGet(url: string, tls: TlsFiles, timeoutMs = 5_000): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      ca: readFileSync(tls.caFile),
      cert: readFileSync(tls.certFile),
      key: readFileSync(tls.keyFile),
      timeout: timeoutMs,
    }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on('error', reject);
    req.end();
  });
}
