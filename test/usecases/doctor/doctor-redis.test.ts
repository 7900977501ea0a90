// doctor's Redis checks against real Redis: the shared one, one of our own configured the way
// production should not be (append-only on, but evicting keys under memory pressure), one that
// wants a password, and none at all. MONITOR on our own server shows doctor only reads.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writePolicy } from '../../support/agent-harness.ts';
import { eventually } from '../../support/eventually.ts';
import { startFakeOllama, type FakeOllama } from '../../support/fake-ollama.ts';
import { DEFAULT_USER, startFakeSlack, type FakeSlack } from '../../support/fake-slack/index.ts';
import { SHARED_REDIS_URL } from '../../support/redis-keys.ts';
import { freePort } from '../../support/test-cluster/free-port.ts';
import { doctor, doctorEnv, unreachableKubeconfig } from './doctor-run.ts';

/** A redis-server of our own on a free loopback port, stopped by PID after the file. */
async function ownRedis(args: string[]): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'sre-doctor-redis-'));
  const proc: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir, ...args], { stdio: 'ignore' });
  const url = `redis://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (proc.pid && proc.exitCode === null) {
      const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
      process.kill(proc.pid, 'SIGTERM');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };
  // Up when it answers PING, or refuses us for want of a password.
  await eventually('redis-server answers', async () => {
    const c = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    let refused = false;
    c.on('error', (e: Error) => {
      refused ||= /NOAUTH/.test(e.message);
    });
    try {
      await c.connect();
      return (await c.ping()) === 'PONG';
    } catch {
      return refused;
    } finally {
      c.disconnect();
    }
  }, 20_000).catch(async (err: unknown) => {
    // Never leave a server behind when it did not come up in time.
    await stop();
    throw err;
  });
  return { url, stop };
}

describe('doctor: Redis', () => {
  let slack: FakeSlack;
  let ollama: FakeOllama;
  let env: Record<string, string | undefined>;
  let evicting: Awaited<ReturnType<typeof ownRedis>>;
  let guarded: Awaited<ReturnType<typeof ownRedis>>;

  beforeAll(async () => {
    slack = await startFakeSlack();
    ollama = await startFakeOllama();
    env = doctorEnv({ slack, ollama, kubeconfig: await unreachableKubeconfig(), policyDir: await writePolicy([DEFAULT_USER.id]) });
    evicting = await ownRedis(['--appendonly', 'yes', '--maxmemory', '64mb', '--maxmemory-policy', 'allkeys-lru']);
    guarded = await ownRedis(['--requirepass', 'doctor-secret-pw']);
  });
  afterAll(async () => {
    await evicting?.stop();
    await guarded?.stop();
    await slack?.close();
    await ollama?.close();
  });

  it('reports the shared Redis: version, persistence and eviction', async () => {
    const info = await (async () => {
      const c = new Redis(SHARED_REDIS_URL);
      try {
        return await c.info();
      } finally {
        c.disconnect();
      }
    })();
    const version = /redis_version:(\S+)/.exec(info)![1]!;
    const aof = /aof_enabled:1/.test(info);
    const r = await doctor(env);
    expect(r.check('redis.reachable')).toMatchObject({ status: 'ok', detail: `Redis ${version} (standalone) at ${SHARED_REDIS_URL}` });
    expect(r.check('redis.persistence').status).toBe(aof ? 'ok' : 'warn');
    if (!aof) expect(r.check('redis.persistence').fix).toContain('appendonly yes');
  });

  it('reports AOF on, fails an evicting Redis with the setting that fixes it, and only reads', async () => {
    const monitor = new Redis(evicting.url);
    const seen: string[] = [];
    const mon = await monitor.monitor();
    mon.on('monitor', (_time: string, args: string[]) => seen.push(String(args[0]).toLowerCase()));
    try {
      const r = await doctor({ ...env, REDIS_URL: evicting.url });
      expect(r.check('redis.persistence')).toMatchObject({ status: 'ok', detail: 'append-only file on: incidents and the audit trail survive a restart' });
      expect(r.check('redis.eviction')).toMatchObject({
        status: 'fail',
        detail: 'maxmemory-policy is allkeys-lru: Redis may drop queued jobs, incidents or audit entries',
        fix: expect.stringContaining('noeviction'),
      });
      await eventually('the doctor\'s commands seen', () => seen.includes('info'));
      expect([...new Set(seen)].sort()).toEqual(expect.arrayContaining(['info', 'ping']));
      // The handshake (HELLO, CLIENT SETNAME), PING and INFO: nothing that writes.
      expect(seen.filter((c) => !['hello', 'client', 'ping', 'info'].includes(c))).toEqual([]);
      const keys = new Redis(evicting.url);
      expect(await keys.dbsize()).toBe(0);
      keys.disconnect();
    } finally {
      mon.disconnect();
      monitor.disconnect();
    }
  });

  it('names Redis being unreachable, with how to start it', async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    const r = await doctor({ ...env, REDIS_URL: url });
    expect(r.check('redis.reachable')).toMatchObject({ status: 'fail', detail: expect.stringMatching(/ECONNREFUSED/), fix: expect.stringContaining('start Redis') });
    expect(['redis.persistence', 'redis.eviction'].map((id) => r.check(id).status)).toEqual(['skip', 'skip']);
  });

  it('says a password is wanted, and never shows the one given', async () => {
    const noPassword = await doctor({ ...env, REDIS_URL: guarded.url });
    expect(noPassword.check('redis.reachable')).toMatchObject({ status: 'fail', detail: expect.stringMatching(/authentication required \(NOAUTH\)$/), fix: expect.stringContaining('put it in REDIS_URL') });
    const withPassword = await doctor({ ...env, REDIS_URL: guarded.url.replace('redis://', 'redis://:doctor-secret-pw@') });
    expect(withPassword.check('redis.reachable')).toMatchObject({ status: 'ok', detail: expect.stringContaining('redis://:***@127.0.0.1') });
    expect(JSON.stringify(withPassword.checks)).not.toContain('doctor-secret-pw');
  });
});
