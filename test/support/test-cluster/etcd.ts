// Starts etcd the way envtest does: one member on loopback, no fsync, data in a temp folder.
import { join } from 'node:path';
import { startProcess, type RunningProcess } from './child-process.ts';
import { freePort } from './free-port.ts';
import { retryReason, waitUntil } from './wait-until.ts';

export interface RunningEtcd {
  url: string;
  process: RunningProcess;
}

export async function startEtcd(binary: string, dir: string): Promise<RunningEtcd> {
  const [clientPort, peerPort] = [await freePort(), await freePort()];
  const url = `http://127.0.0.1:${clientPort}`;
  const peerUrl = `http://127.0.0.1:${peerPort}`;
  const proc = startProcess('etcd', binary, [
    '--name=test',
    `--data-dir=${join(dir, 'etcd-data')}`,
    `--listen-client-urls=${url}`,
    `--advertise-client-urls=${url}`,
    `--listen-peer-urls=${peerUrl}`,
    `--initial-advertise-peer-urls=${peerUrl}`,
    `--initial-cluster=test=${peerUrl}`,
    '--unsafe-no-fsync=true',
    '--log-level=warn',
  ], join(dir, 'etcd.log'));
  try {
    await waitUntil('etcd /health', async () => {
      if (proc.hasExited()) throw new Error(`etcd exited:\n${proc.logTail()}`);
      try {
        const res = await fetch(`${url}/health`);
        const body = await res.text();
        return res.ok && body.includes('"true"') ? true : `etcd /health ${res.status} ${body}`;
      } catch (err) {
        return retryReason(err);
      }
    }, { timeoutMs: 30_000 });
  } catch (err) {
    await proc.stop(1_000);
    throw err;
  }
  return { url, process: proc };
}
