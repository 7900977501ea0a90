// Continuous detection without spam: repeated scans of an unchanged incident cost one LLM call and
// one post; a recurrence updates the message in place; a quiet incident is resolved and says so;
// a new occurrence after that is a new incident linked to the old one; two replicas post once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWithCluster, useTestCluster } from '../support/cluster-context.ts';
import { blocksText, startHarness, type Harness } from '../support/agent-harness.ts';
import { eventually } from '../support/eventually.ts';
import type { Clock } from '../../src/ports.ts';

/** A clock the test can move forward, for quiet periods. */
function movableClock(): Clock & { advanceMinutes(m: number): void } {
  let offset = 0;
  return { now: () => new Date(Date.now() + offset), advanceMinutes: (m) => { offset += m * 60_000; } };
}

async function scansDone(h: Harness, n: number): Promise<boolean> {
  const text = await h.agent.metrics.scrape();
  const total = [...text.matchAll(/^kube_ai_sre_scans_total\{[^}]*outcome="ok"[^}]*\} (\d+)/gm)].reduce((s, m) => s + Number(m[1]), 0);
  return total >= n;
}

const incidentPosts = (h: Harness) => h.slack.callsTo('chat.postMessage').filter((c) => !c.args.thread_ts && blocksText(c).includes('memory-hog'));

describeWithCluster('incident lifecycle', () => {
  const cluster = useTestCluster();

  describe('one instance', () => {
    let h: Harness;
    let ns: string;
    const clock = movableClock();

    beforeAll(async () => {
      ns = await cluster.createNamespace('life');
      await cluster.applyDemo(ns);
      await cluster.node();
      await cluster.setContainerScenario(ns, 'memory-hog', 'app', { kind: 'crash-loop-after-oom', restartCount: 5 });
      await cluster.setContainerScenario(ns, 'slow-memory-hog', 'app', { kind: 'running' });
      h = await startHarness(cluster, { mode: 'http', namespace: ns, clock, env: { RESOLVE_QUIET_MINUTES: '30' } });
    });
    afterAll(async () => h?.stop());

    it('makes one LLM call and one post for ten scheduled scans of an unchanged incident', async () => {
      for (let i = 0; i < 10; i++) await h.queues.enqueueScan({ namespace: ns, trigger: 'schedule' });
      await eventually('ten scans', () => scansDone(h, 10));
      await eventually('the incident posted', async () => (await h.store.listOpen())[0]?.slack !== undefined);
      expect(incidentPosts(h)).toHaveLength(1);
      expect(h.ollama.chatRequests()).toHaveLength(1);
      expect((await h.auditEntries()).filter((e) => e.action === 'incident_posted')).toHaveLength(1);
    });

    it('updates the message in place on the next OOM, without a new post or LLM call', async () => {
      const [before] = await h.store.listOpen();
      await cluster.setContainerScenario(ns, 'memory-hog', 'app', { kind: 'crash-loop-after-oom', restartCount: 6 }, new Date(Date.now() + 5_000));
      await h.queues.enqueueScan({ namespace: ns, trigger: 'schedule' });
      const update = await h.slack.waitForCall('chat.update', (c) => c.args.ts === before!.slack!.ts && blocksText(c).includes('6 restarts'));
      expect(blocksText(update)).toContain('2 seen');
      expect(incidentPosts(h)).toHaveLength(1);
      expect(h.ollama.chatRequests()).toHaveLength(1);
      expect((await h.store.get(before!.id))?.occurrences).toBe(2);
    });

    it('resolves the incident after a quiet period and says so in the message', async () => {
      const [open] = await h.store.listOpen();
      await cluster.setContainerScenario(ns, 'memory-hog', 'app', { kind: 'recovered-after-oom', restartCount: 6 });
      clock.advanceMinutes(45);
      await h.queues.enqueueScan({ namespace: ns, trigger: 'schedule' });
      const update = await h.slack.waitForCall('chat.update', (c) => c.args.ts === open!.slack!.ts && /resolved/i.test(blocksText(c)));
      expect(blocksText(update)).not.toContain('incident_approve');
      expect((await h.store.get(open!.id))?.status).toBe('resolved');
      expect((await h.auditEntries()).some((e) => e.action === 'incident_resolved' && e.incidentId === open!.id)).toBe(true);

      // The recovered pod still shows its old OOM in lastState: that is not a new incident.
      await h.queues.enqueueScan({ namespace: ns, trigger: 'schedule' });
      await eventually('the scan after resolution', () => scansDone(h, 13));
      expect(incidentPosts(h)).toHaveLength(1);
    });

    it('opens a new incident, linked to the old one, when it happens again after resolution', async () => {
      const old = (await h.store.listRecent(10)).find((r) => r.status === 'resolved');
      expect(old).toBeDefined();
      await cluster.setContainerScenario(ns, 'memory-hog', 'app', { kind: 'crash-loop-after-oom', restartCount: 7 }, new Date(Date.now() + 60_000));
      await h.queues.enqueueScan({ namespace: ns, trigger: 'schedule' });
      await eventually('a second incident posted', () => incidentPosts(h).length === 2);
      const [current] = await h.store.listOpen();
      expect(current?.id).not.toBe(old?.id);
      expect(current?.previousIncidentIds).toContain(old?.id);
      expect(h.ollama.chatRequests()).toHaveLength(2);
    });
  });

  it('posts each incident once with two instances side by side', async () => {
    const ns = await cluster.createNamespace('twin');
    await cluster.applyDemo(ns);
    await cluster.node();
    await cluster.setContainerScenario(ns, 'memory-hog', 'app', { kind: 'crash-loop-after-oom', restartCount: 3 });
    const a = await startHarness(cluster, { mode: 'http', namespace: ns });
    const b = await startHarness(cluster, { mode: 'http', namespace: ns, shared: a });
    try {
      // Both replicas scan (and each enqueues) at the same time.
      await Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 ? a : b).queues.enqueueScan({ namespace: ns, trigger: 'schedule' })));
      await eventually('six scans', async () => {
        const [x, y] = await Promise.all([a.agent.metrics.scrape(), b.agent.metrics.scrape()]);
        const count = (t: string) => [...t.matchAll(/^kube_ai_sre_scans_total\{[^}]*outcome="ok"[^}]*\} (\d+)/gm)].reduce((s, m) => s + Number(m[1]), 0);
        return count(x) + count(y) >= 6;
      });
      await eventually('the incident posted', async () => (await a.store.listOpen())[0]?.slack !== undefined);
      expect(incidentPosts(a)).toHaveLength(1);
      expect(a.ollama.chatRequests()).toHaveLength(1);
    } finally {
      await b.stop();
      await a.stop();
    }
  });
});
