// Redis outages: a dedicated redis-server (started and stopped by PID, AOF in a temp dir) is
// stopped mid-run and started again on the same port and data directory.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import {
  clientOptionsFor,
  connectRedis,
  isUnavailableError,
  reconnectDelay,
  redactRedisUrl,
  redisOptionsFor,
  withStore,
} from '../../../src/adapters/redis/connection.ts';
import { createIncidentStore } from '../../../src/adapters/redis/incident-store.ts';
import { AppError, isAppError } from '../../../src/core/errors.ts';
import { incidentReport } from '../../fixtures/incidents/report.ts';
import { startProcess, type RunningProcess } from '../../support/test-cluster/child-process.ts';
import { freePort } from '../../support/test-cluster/free-port.ts';
import { waitUntil } from '../../support/test-cluster/wait-until.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'kube-ai-sre-redis-'));
const running: RunningProcess[] = [];
const clients: Redis[] = [];

function startRedis(port: number): RunningProcess {
  const proc = startProcess('redis-server', 'redis-server', [
    '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--dir', dataDir,
  ], join(dataDir, 'redis.log'));
  running.push(proc);
  return proc;
}

afterAll(async () => {
  for (const c of clients) c.disconnect();
  for (const p of running) await p.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('options per role', () => {
  it.each([
    ['store', 1, false],
    ['queue', 1, false],
    ['worker', null, true],
  ] as const)('%s: maxRetriesPerRequest=%s, offline queue %s', (role, retries, offline) => {
    const opts = redisOptionsFor(role);
    expect(opts.maxRetriesPerRequest).toBe(retries);
    expect(opts.enableOfflineQueue).toBe(offline);
    expect(opts.lazyConnect).toBe(true);
  });

  it.each([
    ['store', 1, false],
    ['queue', 1, false],
    ['worker', null, true],
  ] as const)('under Sentinel, %s keeps its retry and offline-queue choice, asks the sentinels for the master and listens for failovers', (role, retries, offline) => {
    const target = { url: 'rediss://sre@unused:6379/2', sentinel: { addresses: [{ host: 's-0', port: 26379 }, { host: 's-1', port: 26380 }], masterName: 'mymaster', password: 'sp', tls: true } };
    const opts = clientOptionsFor(target, role);
    expect(opts).toMatchObject({
      maxRetriesPerRequest: retries, enableOfflineQueue: offline, lazyConnect: true,
      sentinels: [{ host: 's-0', port: 26379 }, { host: 's-1', port: 26380 }], name: 'mymaster', role: 'master',
      sentinelPassword: 'sp', sentinelTLS: {}, enableTLSForSentinelMode: true, failoverDetector: true,
    });
    // Reconnects ask the sentinels again at least every second; READONLY from a demoted master reconnects and resends.
    expect([1, 2, 3, 4, 50].map((n) => opts.retryStrategy!(n))).toEqual([200, 400, 800, 1_000, 1_000]);
    expect(opts.reconnectOnError!(Object.assign(new Error("READONLY You can't write against a read only replica."), { name: 'ReplyError' }))).toBe(2);
    expect(opts.reconnectOnError!(new Error('ERR unknown command'))).toBe(false);
    expect(clientOptionsFor({ url: 'redis://127.0.0.1:6379' }, role)).not.toHaveProperty('sentinels');
  });

  it('backs off exponentially up to 5 s and never gives up', () => {
    const delays = [1, 2, 3, 6, 50, 10_000].map(reconnectDelay);
    expect(delays).toEqual([200, 400, 800, 5_000, 5_000, 5_000]);
  });

  it('hides the password of a Redis URL', () => {
    expect(redactRedisUrl('redis://sre:s3cret@redis.internal:6380/2')).toBe('redis://sre:***@redis.internal:6380/2');
    expect(redactRedisUrl('not a url')).toBe('<invalid redis url>');
  });

  it.each([
    ['connection refused', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }), true],
    ['closed connection', new Error('Connection is closed.'), true],
    ['loading after restart', Object.assign(new Error('LOADING Redis is loading the dataset in memory'), { name: 'ReplyError' }), true],
    ['script error', Object.assign(new Error('ERR user_script:1: boom'), { name: 'ReplyError' }), false],
    ['programming error', new TypeError('x is not a function'), false],
  ])('%s → unavailable: %s', (_name, err, expected) => {
    expect(isUnavailableError(err)).toBe(expected);
  });

  it('passes AppErrors and bugs through withStore unchanged', async () => {
    const own = new AppError('store_corrupt', 'bad');
    await expect(withStore('x', () => Promise.reject(own))).rejects.toBe(own);
    const bug = new TypeError('nope');
    await expect(withStore('x', () => Promise.reject(bug))).rejects.toBe(bug);
  });
});

describe('outages', () => {
  it('fails start-up with store_unavailable when nothing listens', async () => {
    const port = await freePort();
    const err = await connectRedis(`redis://:pw@127.0.0.1:${port}`, 'store').catch((e: unknown) => e);
    expect(isAppError(err, 'store_unavailable')).toBe(true);
    expect((err as Error).message).toContain(`127.0.0.1:${port}`);
    expect((err as Error).message).not.toContain('pw');
  });

  it('reports store_unavailable while Redis is down and recovers with its data after a restart', async () => {
    const port = await freePort();
    const url = `redis://127.0.0.1:${port}`;
    let server = startRedis(port);
    let redis: Redis | undefined;
    await waitUntil('redis-server to accept connections', async () => {
      try {
        redis = await connectRedis(url, 'store');
        return true;
      } catch (err) {
        return server.hasExited() ? `redis-server exited: ${server.logTail()}` : String(err);
      }
    });
    clients.push(redis!);
    const store = createIncidentStore({ redis: redis!, prefix: 'outage:' });
    const report = incidentReport();
    expect((await store.claim(report.fingerprint, report)).created).toBe(true);
    expect((await store.decide(report.id, { action: 'approve', userId: 'U0SREALICE', at: '2025-03-04T09:20:00Z' })).ok).toBe(true);

    await server.stop();
    await waitUntil('the client to notice the outage', async () => (redis!.status === 'ready' ? 'still ready' : true));
    const down = await store.get(report.id).catch((e: unknown) => e);
    expect(isAppError(down, 'store_unavailable')).toBe(true);
    await expect(store.seenOnce('Ev0OUTAGE', 60)).rejects.toMatchObject({ code: 'store_unavailable' });

    server = startRedis(port);
    await waitUntil('the store to work again', async () => {
      try {
        await store.get(report.id);
        return true;
      } catch (err) {
        return server.hasExited() ? `redis-server exited: ${server.logTail()}` : String(err);
      }
    });
    const after = await store.get(report.id);
    expect(after).toMatchObject({ id: report.id, status: 'approved', decision: { userId: 'U0SREALICE' } });
    const replay = await store.decide(report.id, { action: 'reject', userId: 'U0SREBOB', at: '2025-03-04T09:30:00Z' });
    expect(replay).toMatchObject({ ok: false, code: 'transition_refused' });
  });
});
