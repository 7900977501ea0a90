// A Redis Sentinel deployment of our own: one master, one replica and three sentinels (Debian's
// redis-server, the sentinels run with --sentinel), on free loopback ports in a temp folder, each
// sentinel with its own copy of its config file (a sentinel rewrites it). Everything is stopped
// by PID; a SIGKILL of the master makes the sentinels promote the replica within seconds.
//   describeWithSentinel('...', () => { ... startSentinels() ... })
// Without redis-server the suite is skipped locally and fails on CI.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { describe, it } from 'vitest';
import { startProcess, type RunningProcess } from './test-cluster/child-process.ts';
import { onExitCleanup } from './test-cluster/exit-cleanup.ts';
import { freePort } from './test-cluster/free-port.ts';
import { retryReason, waitUntil } from './test-cluster/wait-until.ts';

export const MASTER_NAME = 'sre-master';
const HOST = '127.0.0.1';

export interface RedisNode {
  readonly port: number;
  readonly process: RunningProcess;
}

export interface SentinelDeployment {
  readonly masterName: string;
  /** REDIS_SENTINELS as the agent reads it: "127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3". */
  readonly sentinelsEnv: string;
  readonly sentinels: ReadonlyArray<{ host: string; port: number }>;
  /** The data nodes, first the initial master, then the initial replica. */
  readonly nodes: readonly RedisNode[];
  /** The port the sentinels name as master now. */
  masterPort(): Promise<number>;
  /** SIGKILLs the current master (by PID); resolves with its port once the process is gone. */
  killMaster(): Promise<number>;
  /** Waits until the sentinels name a master other than `killed` and it answers as master; returns its port. */
  waitForFailover(killed: number): Promise<number>;
  /** killMaster() then waitForFailover(). */
  killMasterAndWaitForFailover(): Promise<{ killed: number; promoted: number }>;
  /** A failover the sentinels run with both nodes up (SENTINEL FAILOVER): the old master becomes a replica. */
  switchMaster(): Promise<{ demoted: number; promoted: number }>;
  /** A plain client on one data node (for inspection only). */
  nodeClient(port: number): Redis;
  stop(): Promise<void>;
}

export interface SentinelOptions {
  /** How long a master must be unreachable before a sentinel calls it down. */
  downAfterMs?: number;
  failoverTimeoutMs?: number;
}

function hasRedisServer(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** describe() that needs redis-server (sentinel mode comes with it); skipped locally, failed on CI. */
export function describeWithSentinel(name: string, fn: () => void): void {
  if (hasRedisServer()) {
    describe(name, fn);
    return;
  }
  describe(name, () => {
    const reason = 'redis-server is not installed (apt-get install redis-server; it runs the sentinels too)';
    if (process.env.CI) {
      it('needs redis-server for Redis Sentinel', () => {
        throw new Error(reason);
      });
    } else {
      it.skip(`skipped: ${reason}`, () => {});
    }
  });
}

async function answers(port: number): Promise<true | string> {
  const c = new Redis({ host: HOST, port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  c.on('error', () => {});
  try {
    await c.connect();
    return (await c.ping()) === 'PONG' ? true : 'no PONG';
  } catch (err) {
    return retryReason(err);
  } finally {
    c.disconnect();
  }
}

async function askSentinel<T>(port: number, ask: (c: Redis) => Promise<T>): Promise<T> {
  const c = new Redis({ host: HOST, port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableReadyCheck: false });
  c.on('error', () => {});
  try {
    await c.connect();
    return await ask(c);
  } finally {
    c.disconnect();
  }
}

/** SENTINEL MASTER's flat [field, value, ...] reply as a record. */
function fields(flat: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!Array.isArray(flat)) return out;
  for (let i = 0; i + 1 < flat.length; i += 2) out[String(flat[i])] = String(flat[i + 1]);
  return out;
}

export async function startSentinels(opts: SentinelOptions = {}): Promise<SentinelDeployment> {
  const dir = mkdtempSync(join(tmpdir(), 'sre-sentinel-'));
  const forgetDir = onExitCleanup(() => rmSync(dir, { recursive: true, force: true }));
  const started: RunningProcess[] = [];
  const downAfter = opts.downAfterMs ?? 1_000;
  const failoverTimeout = opts.failoverTimeoutMs ?? 5_000;

  const startNode = (port: number, name: string, extra: string[]): RedisNode => {
    const nodeDir = join(dir, name);
    mkdirSync(nodeDir);
    const proc = startProcess(name, 'redis-server', [
      '--port', String(port), '--bind', HOST, '--save', '', '--appendonly', 'no', '--dir', nodeDir, ...extra,
    ], join(dir, `${name}.log`));
    started.push(proc);
    return { port, process: proc };
  };

  const stop = async (): Promise<void> => {
    for (const p of [...started].reverse()) await p.stop(2_000);
    forgetDir();
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    const masterPort = await freePort();
    const replicaPort = await freePort();
    const master = startNode(masterPort, 'master', []);
    await waitUntil('the master to answer', () => answers(masterPort), { timeoutMs: 20_000 });
    const replica = startNode(replicaPort, 'replica', ['--replicaof', HOST, String(masterPort)]);
    await waitUntil('the replica to answer', () => answers(replicaPort), { timeoutMs: 20_000 });

    const sentinels: Array<{ host: string; port: number }> = [];
    for (let i = 0; i < 3; i++) {
      const port = await freePort();
      const conf = join(dir, `sentinel-${i}.conf`);
      writeFileSync(conf, [
        `port ${port}`,
        `bind ${HOST}`,
        `dir ${dir}`,
        `sentinel monitor ${MASTER_NAME} ${HOST} ${masterPort} 2`,
        `sentinel down-after-milliseconds ${MASTER_NAME} ${downAfter}`,
        `sentinel failover-timeout ${MASTER_NAME} ${failoverTimeout}`,
        `sentinel parallel-syncs ${MASTER_NAME} 1`,
        '',
      ].join('\n'));
      started.push(startProcess(`sentinel-${i}`, 'redis-server', [conf, '--sentinel'], join(dir, `sentinel-${i}.log`)));
      sentinels.push({ host: HOST, port });
    }
    // Ready when the replica is in sync and every sentinel knows the replica (its link up) and the two
    // others (they find each other through the master's hello channel every 2 s): only then can they fail over.
    const nodeClient = (port: number): Redis => {
      const c = new Redis({ host: HOST, port, maxRetriesPerRequest: 1 });
      c.on('error', () => {});
      return c;
    };
    await waitUntil('the replica in sync', async () => {
      const info = await askSentinel(replicaPort, (c) => c.info('replication')).catch((e: unknown) => retryReason(e));
      return /master_link_status:up/.test(info) ? true : info;
    }, { timeoutMs: 30_000 });
    for (const s of sentinels) {
      await waitUntil(`sentinel ${s.port} to see the replica and the other sentinels`, async () => {
        try {
          const m = fields(await askSentinel(s.port, (c) => c.call('SENTINEL', 'MASTER', MASTER_NAME)));
          if (m['num-slaves'] !== '1' || m['num-other-sentinels'] !== '2') return `slaves ${m['num-slaves']}, other sentinels ${m['num-other-sentinels']}`;
          // The replica's link as the sentinel last read it (it asks replicas every 10 s).
          const [replicaSeen] = ((await askSentinel(s.port, (c) => c.call('SENTINEL', 'REPLICAS', MASTER_NAME))) as unknown[]).map(fields);
          return replicaSeen?.['master-link-status'] === 'ok' ? true : `replica link ${replicaSeen?.['master-link-status']}`;
        } catch (err) {
          return retryReason(err);
        }
      }, { timeoutMs: 30_000 });
    }

    const nodes = [master, replica];
    const masterAddr = async (): Promise<number> => {
      for (const s of sentinels) {
        try {
          const addr = await askSentinel(s.port, (c) => c.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', MASTER_NAME));
          if (Array.isArray(addr)) return Number(addr[1]);
        } catch {
          // the next sentinel answers
        }
      }
      throw new Error('no sentinel names a master');
    };

    const deployment: SentinelDeployment = {
      masterName: MASTER_NAME,
      sentinelsEnv: sentinels.map((s) => `${s.host}:${s.port}`).join(','),
      sentinels,
      nodes,
      masterPort: masterAddr,
      async killMaster() {
        const killed = await masterAddr();
        const node = nodes.find((n) => n.port === killed);
        if (!node) throw new Error(`the sentinels name ${killed} as master, not one of ours`);
        process.kill(node.process.pid, 'SIGKILL');
        await node.process.exited;
        return killed;
      },
      async waitForFailover(killed: number) {
        let promoted = killed;
        await waitUntil('the sentinels to promote the replica', async () => {
          promoted = await masterAddr();
          if (promoted === killed) return 'the old master is still named';
          const role = await askSentinel(promoted, (c) => c.call('ROLE')).catch((e: unknown) => retryReason(e));
          return Array.isArray(role) && role[0] === 'master' ? true : `new master's role: ${String(role)}`;
        }, { timeoutMs: 60_000, intervalMs: 100 });
        return promoted;
      },
      async killMasterAndWaitForFailover() {
        const killed = await deployment.killMaster();
        return { killed, promoted: await deployment.waitForFailover(killed) };
      },
      async switchMaster() {
        const demoted = await masterAddr();
        // A replica the sentinels lately saw down (a test paused it) is no candidate until they see it
        // healthy again: the failover is asked again until they accept it.
        await waitUntil('the sentinels to accept a failover', async () => {
          try {
            await askSentinel(sentinels[0]!.port, (c) => c.call('SENTINEL', 'FAILOVER', MASTER_NAME));
            return true;
          } catch (err) {
            if (/NOGOODSLAVE|INPROG/.test(String((err as Error).message))) return String((err as Error).message);
            throw err;
          }
        }, { timeoutMs: 60_000, intervalMs: 250 });
        let promoted = demoted;
        await waitUntil('the sentinels to switch the master', async () => {
          promoted = await masterAddr();
          if (promoted === demoted) return 'the old master is still named';
          const [newRole, oldRole, oldInfo] = await Promise.all([
            askSentinel(promoted, (c) => c.call('ROLE')),
            askSentinel(demoted, (c) => c.call('ROLE')),
            askSentinel(demoted, (c) => c.info('replication')),
          ]).catch((e: unknown) => [retryReason(e), '', '']);
          if (!Array.isArray(newRole) || newRole[0] !== 'master') return `new master's role: ${String(newRole)}`;
          if (!Array.isArray(oldRole) || oldRole[0] !== 'slave') return `old master's role: ${String(oldRole)}`;
          return /master_link_status:up/.test(String(oldInfo)) ? true : 'the old master is not in sync with the new one yet';
        }, { timeoutMs: 60_000, intervalMs: 100 });
        return { demoted, promoted };
      },
      nodeClient,
      stop,
    };
    return deployment;
  } catch (err) {
    await stop();
    throw err;
  }
}
