// One test cluster: etcd + kube-apiserver on loopback, certificates, an admin kubeconfig.
// stop() ends what it started (by PID) and removes the temp folder, also after a failed start.
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClusterBinaries } from './binaries.ts';
import { generateClusterCerts, type ClusterCerts } from './certs.ts';
import type { RunningProcess } from './child-process.ts';
import { startEtcd, type RunningEtcd } from './etcd.ts';
import { onExitCleanup } from './exit-cleanup.ts';
import { freePort } from './free-port.ts';
import { startApiServer } from './kube-apiserver.ts';
import { writeKubeconfig } from './kubeconfig-file.ts';

export interface TestCluster {
  /** https://127.0.0.1:<port> */
  server: string;
  kubeconfigPath: string;
  certs: ClusterCerts;
  dir: string;
  /** Stops and starts kube-apiserver on the same port and etcd data (watch-resilience tests). */
  restart(): Promise<void>;
  /** Stops kube-apiserver only (etcd keeps the data); restart() starts it again on the same port. */
  stopApiServer(): Promise<void>;
  /** PIDs of the processes running now (etcd, kube-apiserver). */
  pids(): number[];
  stop(): Promise<void>;
}

export async function startTestCluster(binaries: ClusterBinaries): Promise<TestCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'kube-ai-sre-test-cluster-'));
  // Best effort on an aborted run; stop() removes it properly.
  const forgetDir = onExitCleanup(() => rmSync(dir, { recursive: true, force: true }));
  let etcd: RunningEtcd | undefined;
  let apiServer: RunningProcess | undefined;
  const stop = async (): Promise<void> => {
    await apiServer?.stop();
    await etcd?.process.stop();
    await rm(dir, { recursive: true, force: true });
    forgetDir();
  };
  try {
    const certs = await generateClusterCerts(dir);
    etcd = await startEtcd(binaries.etcd, dir);
    const port = await freePort();
    const opts = { binary: binaries.kubeApiserver, dir, port, etcdUrl: etcd.url, certs };
    apiServer = await startApiServer(opts);
    const server = `https://127.0.0.1:${port}`;
    const kubeconfigPath = writeKubeconfig({
      path: join(dir, 'admin.kubeconfig'),
      server,
      caFile: certs.caCert,
      user: { certFile: certs.adminCert, keyFile: certs.adminKey },
    });
    const restart = async (): Promise<void> => {
      await apiServer?.stop();
      apiServer = undefined;
      apiServer = await startApiServer(opts);
    };
    const stopApiServer = async (): Promise<void> => {
      await apiServer?.stop();
      apiServer = undefined;
    };
    const pids = (): number[] => [etcd?.process, apiServer].flatMap((p) => (p && !p.hasExited() ? [p.pid] : []));
    return { server, kubeconfigPath, certs, dir, restart, stopApiServer, pids, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
