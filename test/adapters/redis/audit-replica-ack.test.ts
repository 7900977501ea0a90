// The audit log's replica confirmation on Redis without replicas: a single node by choice says
// nothing (and never waits on WAIT, which would block for its whole timeout), one where replicas
// are expected reports every entry as on the master only, a wait of 0 is off, and an ACL that
// forbids ROLE or WAIT leaves the entry written and reported. Sentinel with a real replica:
// test/adapters/redis/sentinel.test.ts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisAuditLog, type UnconfirmedReason } from '../../../src/adapters/redis/audit-log.ts';
import type { AuditEntryInput } from '../../../src/core/audit/entry.ts';
import { deleteKeysUnder, SHARED_REDIS_URL, uniquePrefix } from '../../support/redis-keys.ts';
import { startProcess, type RunningProcess } from '../../support/test-cluster/child-process.ts';
import { freePort } from '../../support/test-cluster/free-port.ts';
import { retryReason, waitUntil } from '../../support/test-cluster/wait-until.ts';

const entry: AuditEntryInput = { actor: 'U024BE7LH', action: 'decision', incidentId: 'inc_1', outcome: 'approved' };

describe('audit replica confirmation without replicas', () => {
  let redis: Redis;
  const prefixes: string[] = [];
  let dir: string;
  let restricted: RunningProcess | undefined;
  let restrictedPort: number;

  beforeAll(async () => {
    redis = new Redis(SHARED_REDIS_URL);
    dir = mkdtempSync(join(tmpdir(), 'sre-audit-ack-'));
    restrictedPort = await freePort();
    // A user that may do everything the audit log does except ask for the role and WAIT.
    restricted = startProcess('redis-server', 'redis-server', [
      '--port', String(restrictedPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir,
      '--user', 'default', 'off', '--user', 'auditor', 'on', '>auditor-pw', '~*', '&*', '+@all', '-role', '-wait',
    ], join(dir, 'redis.log'));
    await waitUntil('the restricted redis-server', async () => {
      const c = new Redis({ port: restrictedPort, host: '127.0.0.1', username: 'auditor', password: 'auditor-pw', lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
      c.on('error', () => {});
      try {
        await c.connect();
        return (await c.ping()) === 'PONG' ? true : 'no PONG';
      } catch (err) {
        return restricted?.hasExited() ? `redis-server exited: ${restricted.logTail()}` : retryReason(err);
      } finally {
        c.disconnect();
      }
    }, { timeoutMs: 20_000 });
  });
  afterAll(async () => {
    for (const p of prefixes) await deleteKeysUnder(redis, p);
    redis.disconnect();
    await restricted?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const logOn = (client: Redis, opts: { timeoutMs: number; expectReplica: boolean }) => {
    const prefix = uniquePrefix('audit-ack');
    prefixes.push(prefix);
    const reported: Array<{ seq: number; reason: UnconfirmedReason; detail: string }> = [];
    const log = new RedisAuditLog(client, prefix, undefined, {
      replicaAck: { ...opts, onUnconfirmed: (seq, reason, detail) => reported.push({ seq, reason, detail }) },
    });
    return { log, reported };
  };

  it.each([
    ['a single node by choice: nothing to report', { timeoutMs: 500, expectReplica: false }, []],
    ['replicas expected (Sentinel): each entry reported as on the master only', { timeoutMs: 500, expectReplica: true }, [
      { seq: 1, reason: 'no_replica', detail: 'the master has no connected replica' },
      { seq: 2, reason: 'no_replica', detail: 'the master has no connected replica' },
    ]],
    ['a wait of 0: the confirmation is off', { timeoutMs: 0, expectReplica: true }, []],
  ] as const)('%s', async (_name, opts, expected) => {
    const { log, reported } = logOn(redis, opts);
    expect((await log.append(entry)).seq).toBe(1);
    expect((await log.append(entry)).seq).toBe(2);
    expect(reported).toEqual(expected);
    expect(await log.verify()).toEqual({ ok: true, entries: 2 });
  });

  it('keeps an entry that an ACL forbids to confirm, and reports it as refused', async () => {
    const client = new Redis({ port: restrictedPort, host: '127.0.0.1', username: 'auditor', password: 'auditor-pw' });
    try {
      const { log, reported } = logOn(client, { timeoutMs: 500, expectReplica: false });
      const written = await log.append(entry);
      expect(reported).toEqual([{ seq: written.seq, reason: 'refused', detail: expect.stringMatching(/^NOPERM .*role/i) }]);
      expect(await log.verify()).toEqual({ ok: true, entries: 1 });
    } finally {
      client.disconnect();
    }
  });
});
