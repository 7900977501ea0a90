// The agent on Redis Sentinel losing its master mid-run. One master, one replica and three
// sentinels of our own; the agent is configured with REDIS_SENTINELS and REDIS_SENTINEL_MASTER
// only. A decision is approved before the master is SIGKILLed; a click while it is gone is
// refused plainly and records nothing; once the sentinels have promoted the replica the agent
// carries on without a restart: the same click is recorded, a scan runs, /readyz is green, and
// the audit trail verifies with both decisions in it.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { APPROVER, startHarness, type Harness } from '../support/agent-harness.ts';
import { describeWithCluster, useTestCluster } from '../support/cluster-context.ts';
import { eventually } from '../support/eventually.ts';
import { recordingLogger } from '../support/recording-logger.ts';
import { describeWithSentinel, startSentinels, type SentinelDeployment } from '../support/redis-sentinel.ts';
import { headerText, metric, probe, problems } from './fault-support.ts';

describeWithSentinel('the agent on Redis Sentinel', () => {
  describeWithCluster('losing the master mid-run', () => {
    const cluster = useTestCluster();
    const logger = recordingLogger();
    let sentinels: SentinelDeployment;
    let h: Harness;
    let ns: string;

    beforeAll(async () => {
      sentinels = await startSentinels({ downAfterMs: 1_000, failoverTimeoutMs: 3_000 });
      await cluster.node();
      ns = await cluster.createNamespace('sentinel-failover');
      await cluster.applyDemo(ns);
      await cluster.setContainerScenario(ns, 'memory-hog', 'app', { kind: 'crash-loop-after-oom', restartCount: 5 });
      await cluster.setContainerScenario(ns, 'slow-memory-hog', 'app', { kind: 'crash-loop-after-oom', restartCount: 2 });
      h = await startHarness(cluster, {
        mode: 'http', namespace: ns, logger,
        // A replica on a busy machine may take more than the default 500 ms to confirm; only a missing one should not.
        env: { REDIS_SENTINELS: sentinels.sentinelsEnv, REDIS_SENTINEL_MASTER: sentinels.masterName, AUDIT_REPLICA_WAIT_MS: '3000' },
      });
    });
    afterAll(async () => {
      await h?.stop();
      await sentinels?.stop();
    });

    const click = (incidentId: string, ts: string) =>
      h.slack.deliver(h.eventsUrl, h.slack.payloads.blockAction({ actionId: 'incident_approve', value: incidentId, user: APPROVER, message: { ts } }));
    // Incident messages about a pod of this namespace (the header may lead with the cluster's name).
    const posts = (pod: string) => h.slack.callsTo('chat.postMessage').filter((c) => !c.args.thread_ts && c.status === 200
      && new RegExp(`/${pod} in (\\S+/)?${ns}$`).test(headerText(c)));
    const toldUser = () => h.slack.callsTo('chat.postEphemeral').filter((c) => c.args.user === APPROVER.id).map((c) => String(c.args.text));
    const approvedShown = (ts: string) => h.slack.callsTo('chat.update').some((c) => c.args.ts === ts && /approved/i.test(JSON.stringify(c.args.blocks)));

    it('refuses a click plainly while the master is gone, and carries on on the promoted replica', async () => {
      await eventually('both incidents posted', () => posts('memory-hog').length === 1 && posts('slow-memory-hog').length === 1, 30_000);
      await eventually('both Slack refs stored', async () => (await h.store.listOpen()).filter((r) => r.slack).length === 2);
      const open = await h.store.listOpen();
      const first = open.find((r) => r.detection.pod === 'memory-hog')!;
      const second = open.find((r) => r.detection.pod === 'slow-memory-hog')!;

      // Before: a decision recorded and shown.
      expect((await click(first.id, first.slack!.ts)).status).toBe(200);
      await eventually('the first decision shown', () => approvedShown(first.slack!.ts));
      expect((await h.auditEntries()).filter((e) => e.action === 'decision').map((e) => e.incidentId)).toEqual([first.id]);
      // The replica confirmed every entry so far.
      expect(await metric(h, 'audit_replica_unconfirmed_total')).toBe(0);

      // The master dies; the sentinels have not promoted the replica yet.
      const killed = await sentinels.killMaster();
      expect((await click(second.id, second.slack!.ts)).status).toBe(200);
      await eventually('the refusal told to the user', () => toldUser().some((t) => /could not be recorded/.test(t)));
      expect(toldUser()).toEqual([expect.stringMatching(/^Your decision could not be recorded right now .*nothing changed\. Please try again\.$/)]);
      expect(approvedShown(second.slack!.ts)).toBe(false);

      const promoted = await sentinels.waitForFailover(killed);
      expect(promoted).not.toBe(killed);
      // The same click again, until the agent has found the new master (each refusal is the plain one).
      await eventually('the second decision recorded on the promoted replica', async () => {
        if (approvedShown(second.slack!.ts)) return true;
        const refusals = toldUser().length;
        await click(second.id, second.slack!.ts);
        await eventually('an answer to the click', () => approvedShown(second.slack!.ts) || toldUser().length > refusals, 20_000);
        return approvedShown(second.slack!.ts);
      }, 60_000);
      for (const text of toldUser()) expect(text).toMatch(/^Your decision could not be recorded right now/);
      // The outage and its end are each logged once per connection, naming the Sentinel master.
      expect(problems(logger.entries, /redis connection error/).some((e) => String(e.fields.redis).startsWith(`Sentinel master "${sentinels.masterName}"`))).toBe(true);
      expect(logger.entries.filter((e) => e.msg === 'redis connection restored' && e.fields.role === 'store').length).toBeGreaterThan(0);
      expect(problems(logger.entries, /audit entry could not be written/)).toEqual([]);

      // Both decisions, before and after the failover, are in a chain that verifies.
      const entries = await h.auditEntries();
      expect(entries.filter((e) => e.action === 'decision').map((e) => e.incidentId)).toEqual([first.id, second.id]);
      expect(await h.audit.verify()).toEqual({ ok: true, entries: entries.length });
      expect((await h.store.get(first.id))?.decision?.userId).toBe(APPROVER.id);
      expect((await h.store.get(second.id))?.decision?.userId).toBe(APPROVER.id);
      // The promoted replica has no replica of its own: its entries are reported as unconfirmed, with their seq.
      const last = entries.at(-1)!;
      expect(await metric(h, 'audit_replica_unconfirmed_total', { reason: 'no_replica' })).toBeGreaterThan(0);
      expect(problems(logger.entries, /not confirmed by a replica/).some((e) => e.fields.seq === last.seq)).toBe(true);

      // The queues work too, and the agent is ready again, without a restart.
      const scans = await metric(h, 'scans_total', { namespace: ns, outcome: 'ok' });
      await h.queues.enqueueScan({ namespace: ns, trigger: 'schedule' });
      await eventually('a scan after the failover', async () => (await metric(h, 'scans_total', { namespace: ns, outcome: 'ok' })) === scans + 1, 30_000);
      await eventually('ready on the new master', async () => (await probe(h, '/readyz')).status === 200, 30_000);
      expect(posts('memory-hog')).toHaveLength(1);
      expect(posts('slow-memory-hog')).toHaveLength(1);
    }, 150_000);
  });
});
