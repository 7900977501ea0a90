// Redis Sentinel for real: one master, one replica, three sentinels of our own. The store, the
// audit trail and BullMQ reach the master through the sentinels; an audit entry is confirmed by
// the replica before it counts as written; and the same clients carry on, without a restart,
// through a switch of roles (the old master demoted, still up: the sentinels announce the switch
// and the clients listening for it reconnect) and through the master being
// SIGKILLed mid-run, with every acknowledged audit entry still in a chain that verifies.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { RedisAuditLog, type ReplicaAck, type UnconfirmedReason } from '../../../src/adapters/redis/audit-log.ts';
import { connectRedis, createRedis } from '../../../src/adapters/redis/connection.ts';
import { createIncidentStore } from '../../../src/adapters/redis/incident-store.ts';
import { closeAll, createQueues, startWorker, type Queues, type RunningWorker } from '../../../src/adapters/redis/queues.ts';
import { redisTargetOf, type RedisTarget } from '../../../src/adapters/redis/redis-target.ts';
import type { AuditEntry, AuditEntryInput } from '../../../src/core/audit/entry.ts';
import { isAppError } from '../../../src/core/errors.ts';
import type { ScanJob } from '../../../src/core/jobs.ts';
import { silentLogger } from '../../../src/logging.ts';
import { incidentReport } from '../../fixtures/incidents/report.ts';
import { eventually } from '../../support/eventually.ts';
import { runCli } from '../../support/run-cli.ts';
import { describeWithSentinel, startSentinels, type SentinelDeployment } from '../../support/redis-sentinel.ts';

const entry = (i: number): AuditEntryInput => ({
  actor: 'U024BE7LH', action: 'decision', incidentId: `inc_${i}`, outcome: i % 2 ? 'approved' : 'rejected', details: { n: i },
});

describeWithSentinel('Redis through Sentinel', () => {
  let d: SentinelDeployment;
  let target: RedisTarget;
  const prefix = `test:sentinel:${randomUUID()}:`;
  const clients: Redis[] = [];
  const unconfirmed: Array<{ seq: number; reason: UnconfirmedReason }> = [];
  // Long enough for a replica on a busy machine to confirm: only a stopped or missing one times out.
  const replicaAck: ReplicaAck = { timeoutMs: 3_000, expectReplica: true, onUnconfirmed: (seq, reason) => unconfirmed.push({ seq, reason }) };
  let store: Redis;
  let audit: RedisAuditLog;
  let queues: Queues;
  let worker: RunningWorker;
  let workerConnection: Redis;
  const scanned: string[] = [];

  beforeAll(async () => {
    d = await startSentinels({ downAfterMs: 1_000, failoverTimeoutMs: 3_000 });
    target = redisTargetOf({ REDIS_URL: 'redis://127.0.0.1:6379', REDIS_SENTINELS: [...d.sentinels], REDIS_SENTINEL_MASTER: d.masterName });
    store = await connectRedis(target, 'store');
    const auditConnection = await connectRedis(target, 'store', { name: 'kube-ai-sre:audit' });
    const queueConnection = await connectRedis(target, 'queue');
    workerConnection = await connectRedis(target, 'worker');
    clients.push(store, auditConnection);
    audit = new RedisAuditLog(auditConnection, prefix, undefined, { replicaAck });
    queues = createQueues({ connection: queueConnection, prefix: `${prefix}bull` });
    worker = startWorker('scan', async (job) => {
      scanned.push(job.data.namespace);
    }, { connection: workerConnection, prefix: `${prefix}bull`, concurrency: 1, logger: silentLogger });
    clients.push(queueConnection);
  });
  afterAll(async () => {
    if (queues) await closeAll({ workers: worker ? [worker] : [], queues, connections: [workerConnection] });
    for (const c of clients) c.disconnect();
    await d?.stop();
  });

  const freshReport = () => {
    const id = randomUUID();
    return incidentReport({ id: `inc-${id}`, fingerprint: `demo/Deployment/checkout-${id}/app/OOMKilled` });
  };
  const servedBy = async (c: Redis): Promise<number> => Number(/tcp_port:(\d+)/.exec(await c.info('server'))?.[1]);
  const scan = (namespace: string): ScanJob => ({ namespace, trigger: 'slash' });

  it('reaches the master the sentinels name, for the store, the audit trail and the queues', async () => {
    const master = await d.masterPort();
    expect(await servedBy(store)).toBe(master);
    expect(await servedBy(workerConnection)).toBe(master);
    const incidents = createIncidentStore({ redis: store, prefix, retentionDays: 1 });
    const report = freshReport();
    expect((await incidents.claim(report.fingerprint, report)).created).toBe(true);
    expect((await incidents.get(report.id))?.fingerprint).toBe(report.fingerprint);
    await queues.enqueueScan(scan('before-any-failover'));
    await eventually('the scan job run', () => scanned.includes('before-any-failover'));
  });

  it('refuses a master name the sentinels do not know, naming it', async () => {
    const err = await connectRedis({ ...target, sentinel: { ...target.sentinel!, masterName: 'no-such-master' } }, 'store', { connectTimeoutMs: 500 })
      .catch((e: unknown) => e);
    expect(isAppError(err, 'store_unavailable')).toBe(true);
    expect((err as Error).message).toContain('the sentinels do not know a master named "no-such-master"');
  });

  it('connects again when the failover detector closes the connector while it asks the sentinels', async () => {
    // What the detector does on +switch-master: it closes the connector; in the middle of a
    // connect, ioredis then ends the client for good unless it is connected again.
    const client = createRedis(target, 'store');
    clients.push(client);
    const connecting = client.connect();
    (client as unknown as { connector: { disconnect(): void } }).connector.disconnect();
    await expect(connecting).rejects.toThrow(/Connection is closed/);
    await eventually('the client connected again', () => client.status === 'ready', 20_000);
    expect(await client.ping()).toBe('PONG');
    // A close that was asked for stays closed.
    client.disconnect();
    await eventually('the client ended', () => client.status === 'end');
    await new Promise((r) => setTimeout(r, 1_500));
    expect(client.status).toBe('end');
  });

  it('has each audit entry confirmed by the replica, and reports the seq of one that is not', async () => {
    const written = [await audit.append(entry(1)), await audit.append(entry(2))];
    expect(unconfirmed).toEqual([]);
    // The replica holds what the master acknowledged.
    const master = await d.masterPort();
    const replica = d.nodes.find((n) => n.port !== master)!;
    const onReplica = d.nodeClient(replica.port);
    clients.push(onReplica);
    const onReplicaRows = (await onReplica.xrange(`${prefix}audit`, '-', '+')) as Array<[string, string[]]>;
    expect(onReplicaRows.map(([, fields]) => fields[fields.indexOf('hash') + 1])).toEqual(written.map((e) => e.hash));

    // A replica that does not answer: the entry is written, and its seq is reported.
    process.kill(replica.process.pid, 'SIGSTOP');
    let third: AuditEntry;
    try {
      third = await audit.append(entry(3));
    } finally {
      process.kill(replica.process.pid, 'SIGCONT');
    }
    expect(unconfirmed).toEqual([{ seq: third.seq, reason: 'timeout' }]);
    expect(await audit.verify()).toEqual({ ok: true, entries: 3 });
    unconfirmed.length = 0;
  });

  it('follows a switch of roles with the old master still up: the same clients write to the promoted one', async () => {
    const before = await audit.head();
    const { demoted, promoted } = await d.switchMaster();
    expect(promoted).not.toBe(demoted);
    // The same clients; the first attempts may be refused while they reconnect.
    const incidents = createIncidentStore({ redis: store, prefix, retentionDays: 1 });
    const report = freshReport();
    await eventually('a store write after the switch', async () => (await incidents.claim(report.fingerprint, report).catch(() => undefined))?.created === true);
    await eventually('the audit trail on the new master', async () => (await audit.append(entry(4)).catch(() => undefined)) !== undefined);
    expect(await servedBy(store)).toBe(promoted);
    expect((await audit.head()).seq).toBe(before.seq + 1);
    await queues.enqueueScan(scan('after-the-switch'));
    await eventually('the scan job run after the switch', () => scanned.includes('after-the-switch'));
    expect(await audit.verify()).toEqual({ ok: true, entries: before.seq + 1 });
  }, 90_000);

  it('carries on after the master is killed mid-run; every acknowledged entry is in a chain that verifies', async () => {
    const acknowledged: AuditEntry[] = [];
    let failures = 0;
    let stop = false;
    // A steady writer, retrying an entry until it is acknowledged (as a decision's audit entry is).
    const writer = (async () => {
      for (let i = 100; !stop; i++) {
        for (;;) {
          try {
            acknowledged.push(await audit.append(entry(i)));
            break;
          } catch {
            failures++;
            await new Promise((r) => setTimeout(r, 100));
          }
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    await eventually('entries written before the kill', () => acknowledged.length >= 5);
    const { killed, promoted } = await d.killMasterAndWaitForFailover();
    expect(promoted).not.toBe(killed);
    const atFailover = acknowledged.length;
    await eventually('entries acknowledged after the failover', () => acknowledged.length >= atFailover + 5, 60_000);
    stop = true;
    await writer;

    expect(failures).toBeGreaterThan(0);
    expect(await servedBy(store)).toBe(promoted);
    // No entry was lost: each acknowledged one is in the trail, as it was acknowledged.
    const trail: AuditEntry[] = [];
    for await (const e of audit.export()) trail.push(e);
    const stored = new Set(trail.map((e) => `${e.seq}:${e.hash}`));
    expect(acknowledged.filter((e) => !stored.has(`${e.seq}:${e.hash}`))).toEqual([]);
    expect(await audit.verify()).toEqual({ ok: true, entries: trail.length });
    // The replica confirmed everything before the kill; the promoted master has none left to ask.
    expect(unconfirmed.filter((u) => u.seq <= acknowledged[atFailover - 1]!.seq && u.reason !== 'no_replica')).toEqual([]);
    expect(unconfirmed.some((u) => u.reason === 'no_replica' && u.seq > acknowledged[atFailover - 1]!.seq)).toBe(true);

    // The store and the queues work on the same clients.
    const incidents = createIncidentStore({ redis: store, prefix, retentionDays: 1 });
    const report = freshReport();
    await eventually('a store write after the failover', async () => (await incidents.claim(report.fingerprint, report).catch(() => undefined))?.created === true);
    await eventually('a job enqueued after the failover', async () => (await queues.enqueueScan(scan('after-the-kill')).catch(() => undefined)) !== undefined);
    await eventually('the scan job run after the failover', () => scanned.includes('after-the-kill'), 60_000);
  }, 120_000);

  it('verifies and exports the trail with the audit CLI through the sentinels after the failover', async () => {
    const env = { REDIS_SENTINELS: d.sentinelsEnv, REDIS_SENTINEL_MASTER: d.masterName, KEY_PREFIX: prefix };
    const head = await audit.head();
    const verified = await runCli(['audit', 'verify'], env);
    expect([verified.code, verified.stdout.trim()]).toEqual([0, `audit trail intact: ${head.seq} entries verified`]);
    const exported = await runCli(['audit', 'export'], env);
    expect(exported.code).toBe(0);
    expect(exported.stdout.trim().split('\n').map((l) => (JSON.parse(l) as AuditEntry).hash).at(-1)).toBe(head.hash);
  });
});
