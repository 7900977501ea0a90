// Redis going away mid-run and coming back. The bot runs against its own redis-server (append-only
// file in a temp folder, stopped and started by PID; never the shared one): a click while Redis is
// down gets a clear answer and writes nothing, the bot keeps serving, and once Redis is back (same
// data) clicks and scans work again, every audit entry is there and the chain verifies.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { APPROVER, startHarness, type Harness } from '../support/agent-harness.ts';
import { describeWithCluster, useTestCluster } from '../support/cluster-context.ts';
import { eventually } from '../support/eventually.ts';
import { recordingLogger } from '../support/recording-logger.ts';
import { freePort } from '../support/test-cluster/free-port.ts';
import { expectServing, incidentPosts, metric, probe, problems } from './fault-support.ts';

interface OwnRedis {
  url: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** A redis-server of our own on a free port, persisting to an append-only file in `dir`. */
function ownRedis(port: number, dir: string): OwnRedis {
  let proc: ChildProcess | undefined;
  const url = `redis://127.0.0.1:${port}`;
  return {
    url,
    async start() {
      proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--appendonly', 'yes', '--save', '', '--dir', dir], { stdio: 'ignore' });
      await eventually('redis-server answers', async () => {
        const probeClient = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
        probeClient.on('error', () => {});
        try {
          await probeClient.connect();
          return (await probeClient.ping()) === 'PONG';
        } catch {
          return false;
        } finally {
          probeClient.disconnect();
        }
      }, 20_000);
    },
    async stop() {
      const p = proc;
      proc = undefined;
      if (!p?.pid || p.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => p.once('exit', () => resolve()));
      process.kill(p.pid, 'SIGTERM');
      await exited;
    },
  };
}

describeWithCluster('Redis restarting under the running bot', () => {
  const cluster = useTestCluster();
  const logger = recordingLogger();
  let redis: OwnRedis;
  let dir: string;
  let h: Harness;
  let ns: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sre-redis-restart-'));
    redis = ownRedis(await freePort(), dir);
    await redis.start();
    await cluster.node();
    ns = await cluster.createNamespace('redis-restart');
    await cluster.applyDemo(ns);
    await cluster.setContainerScenario(ns, 'memory-hog', 'app', { kind: 'crash-loop-after-oom', restartCount: 5 });
    await cluster.setContainerScenario(ns, 'slow-memory-hog', 'app', { kind: 'crash-loop-after-oom', restartCount: 2 });
    h = await startHarness(cluster, { mode: 'http', namespace: ns, logger, redisUrl: redis.url });
  });
  afterAll(async () => {
    await h?.stop();
    await redis?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const click = (incidentId: string, ts: string) =>
    h.slack.deliver(h.eventsUrl, h.slack.payloads.blockAction({ actionId: 'incident_approve', value: incidentId, user: APPROVER, message: { ts } }));

  it('refuses a click cleanly while Redis is down, then recovers with the audit trail whole', async () => {
    // Two incidents posted; the first one approved.
    await eventually('both incidents posted', () => incidentPosts(h, ns, 'memory-hog').length === 1 && incidentPosts(h, ns, 'slow-memory-hog').length === 1, 30_000);
    await eventually('both Slack refs stored', async () => (await h.store.listOpen()).filter((r) => r.slack).length === 2);
    const open = await h.store.listOpen();
    const first = open.find((r) => r.detection.pod === 'memory-hog')!;
    const second = open.find((r) => r.detection.pod === 'slow-memory-hog')!;
    expect((await click(first.id, first.slack!.ts)).status).toBe(200);
    await eventually('the first decision audited', async () => (await h.auditEntries()).some((e) => e.action === 'decision' && e.incidentId === first.id));
    const before = await h.auditEntries();
    expect(before.map((e) => e.action).sort()).toEqual(['decision', 'incident_posted', 'incident_posted']);

    // Redis goes away.
    await redis.stop();
    const res = await click(second.id, second.slack!.ts);
    expect(res.status).toBe(200);
    const told = await h.slack.waitForCall('chat.postEphemeral', (c) => c.args.user === APPROVER.id && /could not be recorded/.test(String(c.args.text)));
    expect(String(told.args.text)).toMatch(/incident store is unavailable/);
    await eventually('the failed click counted', async () => (await metric(h, 'decisions_total', { action: 'approve', outcome: 'error' })) === 1);
    expect(problems(logger.entries, /approve failed.*store_unavailable|store_unavailable.*approve failed|Redis unavailable/).length).toBeGreaterThan(0);
    // A read command says the store is down, in one line.
    const incidents = h.slack.payloads.slashCommand({ text: 'incidents' });
    expect((await h.slack.deliver(h.eventsUrl, incidents)).status).toBe(200);
    const reply = await h.slack.waitForResponse((r) => r.url === incidents.body.response_url);
    expect(String(reply.body.text)).toMatch(/incident store \(Redis\) is unavailable/);
    // Alive, but not ready.
    await expectServing(h);
    const ready = await probe(h, '/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body).toMatch(/"redis":"failed/);

    // Redis is back with the same data.
    await redis.start();
    await eventually('ready again', async () => (await probe(h, '/readyz')).status === 200, 30_000);
    // Nothing was half-written while it was down.
    expect((await h.store.get(second.id))?.decision).toBeUndefined();
    expect(await h.auditEntries()).toEqual(before);

    // The same click now works, once; a scan works too and adds no post.
    expect((await click(second.id, second.slack!.ts)).status).toBe(200);
    await eventually('the second decision audited', async () => (await h.auditEntries()).some((e) => e.action === 'decision' && e.incidentId === second.id), 30_000);
    await h.slack.waitForCall('chat.update', (c) => c.args.ts === second.slack!.ts && /approved/i.test(JSON.stringify(c.args.blocks)));
    const scans = await metric(h, 'scans_total', { namespace: ns, outcome: 'ok' });
    await h.queues.enqueueScan({ namespace: ns, trigger: 'schedule' });
    await eventually('a scan after the restart', async () => (await metric(h, 'scans_total', { namespace: ns, outcome: 'ok' })) === scans + 1, 30_000);

    const after = await h.auditEntries();
    expect(after.slice(0, before.length)).toEqual(before);
    expect(after.slice(before.length).map((e) => `${e.action} ${e.incidentId}`)).toEqual([`decision ${second.id}`]);
    expect(await h.audit.verify()).toEqual({ ok: true, entries: before.length + 1 });
    expect((await h.store.get(first.id))?.decision?.userId).toBe(APPROVER.id);
    expect((await h.store.get(second.id))?.decision?.userId).toBe(APPROVER.id);
    expect(incidentPosts(h, ns, 'memory-hog')).toHaveLength(1);
    expect(incidentPosts(h, ns, 'slow-memory-hog')).toHaveLength(1);
  }, 90_000);
});
