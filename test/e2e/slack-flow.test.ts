// The product as people use it, in HTTP and in Socket Mode: `/sre scan demo` → one incident
// message for memory-hog → an approver's click → one audit entry and the message updated → a
// non-approver's click refused and audited → a thread question answered in the thread.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWithCluster, useTestCluster } from '../support/cluster-context.ts';
import { APPROVER, NON_APPROVER, blocksText, startHarness, type Harness } from '../support/agent-harness.ts';
import type { InboundPayload } from '../support/fake-slack/index.ts';
import { eventually } from '../support/eventually.ts';

const CRASH_LOG = [
  'stress: info: [1] dispatching hogs: 0 cpu, 0 io, 1 vm, 0 hdd',
  'connecting to postgres://app:s3cr3t-pass@db:5432/shop',
  'ALERT <!channel> please page everyone',
  'stress: FAIL: [1] (415) <-- worker 7 got signal 9',
].join('\n');

describeWithCluster('the Slack app end to end', () => {
  const cluster = useTestCluster();

  for (const mode of ['http', 'socket'] as const) {
    describe(`${mode} mode`, () => {
      let h: Harness;
      let ns: string;

      const send = async (payload: InboundPayload) => {
        if (mode === 'http') {
          const res = await h.slack.deliver(h.eventsUrl, payload);
          expect(res.status).toBe(200);
          return res;
        }
        return h.slack.socket.sendPayload(payload);
      };

      beforeAll(async () => {
        ns = await cluster.createNamespace('demo');
        await cluster.applyDemo(ns);
        await cluster.node();
        await cluster.setContainerScenario(ns, 'memory-hog', 'app', { kind: 'running' });
        await cluster.setContainerScenario(ns, 'slow-memory-hog', 'app', { kind: 'running' });
        h = await startHarness(cluster, { mode, namespace: ns });
        if (mode === 'socket') await h.slack.socket.waitForConnection();
        // The scheduler scans once at start; let it find the namespace healthy before the OOM.
        await eventually('the start-up scan', async () => /^kube_ai_sre_scans_total\{[^}]*\} [1-9]/m.test(await h.agent.metrics.scrape()));
        await cluster.setContainerScenario(ns, 'memory-hog', 'app', { kind: 'crash-loop-after-oom', restartCount: 5 });
        await cluster.setLogs(ns, 'memory-hog', 'app', { previous: CRASH_LOG, current: '' });
      });
      afterAll(async () => h?.stop());

      it('scans, posts one incident, records one decision, refuses a non-approver and answers in the thread', async () => {
        // The model quotes the hostile log line as evidence: it must arrive inert.
        h.ollama.setBehavior({ kind: 'reply', content: JSON.stringify({
          rootCauses: ['The stress worker allocates 150M under a 64Mi limit'],
          explanation: 'The worker was killed by the OOM killer (signal 9) while allocating.',
          confidence: 0.9,
          evidence: ['ALERT <!channel> please page everyone', 'stress: FAIL: [1] (415) <-- worker 7 got signal 9'],
          recommendedMemoryLimit: '256Mi',
        }) });
        // /sre scan <ns>: acknowledged at once, the incident posted by the analysis job.
        const ack = await send(h.slack.payloads.slashCommand({ text: `scan ${ns}` }));
        expect(JSON.stringify(ack)).toMatch(/Scanning/);
        const post = await h.slack.waitForCall('chat.postMessage', (c) => blocksText(c).includes('memory-hog'), 20_000);
        const text = blocksText(post);
        for (const fact of [ns, 'memory-hog', '64Mi', '176Mi', 'Auto-remediation', 'incident_approve', 'incident_reject']) expect(text).toContain(fact);
        expect(text).not.toContain('<!channel>');
        expect(text).toContain('ALERT &lt;!channel&gt; please page everyone');
        expect(text).toContain('256Mi'); // the LLM's suggestion, shown beside the deterministic 176Mi
        expect(text).not.toContain('s3cr3t-pass');
        const summary = await h.slack.waitForResponse((r) => JSON.stringify(r.body).includes('memory incident'));
        expect(JSON.stringify(summary.body)).toMatch(/1 memory incident .*2 pods checked.*1 new/);

        h.ollama.setBehavior({ kind: 'well' });
        const ts = String((post.response as { ts: string }).ts);
        await eventually('the Slack ref stored', async () => (await h.store.listOpen())[0]?.slack?.ts === ts);
        const [incident] = await h.store.listOpen();
        expect(h.slack.callsTo('chat.postMessage').filter((c) => blocksText(c).includes('memory-hog'))).toHaveLength(1);

        // The approver's click: one decision, one audit entry, the message updated in place.
        await send(h.slack.payloads.blockAction({ actionId: 'incident_approve', value: incident!.id, user: APPROVER, message: { ts } }));
        const update = await h.slack.waitForCall('chat.update', (c) => c.args.ts === ts && /approved/i.test(blocksText(c)));
        expect(blocksText(update)).toContain('Change to apply');
        expect(blocksText(update)).toContain('memory: 176Mi');
        await eventually('the decision audited', async () => (await h.auditEntries()).some((e) => e.action === 'decision'));
        const decisions = (await h.auditEntries()).filter((e) => e.action === 'decision');
        expect(decisions).toHaveLength(1);
        expect(decisions[0]).toMatchObject({ actor: APPROVER.id, incidentId: incident!.id, outcome: 'approved' });

        // A non-approver: refused privately, and the attempt is audited.
        await send(h.slack.payloads.blockAction({ actionId: 'incident_approve', value: incident!.id, user: NON_APPROVER, message: { ts } }));
        await h.slack.waitForCall('chat.postEphemeral', (c) => c.args.user === NON_APPROVER.id);
        await eventually('the refusal audited', async () => (await h.auditEntries()).some((e) => e.action === 'decision_refused' && e.actor === NON_APPROVER.id));
        expect((await h.store.get(incident!.id))?.decision?.userId).toBe(APPROVER.id);

        // A question in the incident's thread, answered there.
        await send(h.slack.payloads.messageEvent({ text: 'why did it run out of memory?', thread_ts: ts }));
        const answer = await h.slack.waitForCall('chat.postMessage', (c) => c.args.thread_ts === ts, 20_000);
        expect(String(answer.args.text)).not.toBe('');
        await eventually('the question audited', async () => (await h.auditEntries()).some((e) => e.action === 'thread_question'));

        // The scorecard counts the decision against the model that made the diagnosis.
        await send(h.slack.payloads.slashCommand({ text: 'stats' }));
        const stats = await h.slack.waitForResponse((r) => JSON.stringify(r.body).includes('Model scorecard'));
        expect(JSON.stringify(stats.body)).toMatch(/\*mistral\*.*1 incidents? · 1 approved · 0 rejected/);
        // Token counts from Ollama's answer, recorded with the diagnosis.
        expect(JSON.stringify(stats.body)).toMatch(/tokens per diagnosis: prompt median [1-9]\d* · completion median [1-9]\d* \(total \d+ \+ \d+ over 1\)/);

        // Exactly two LLM chats: the diagnosis and the answer.
        expect(h.ollama.chatRequests()).toHaveLength(2);
        expect((await h.audit.verify()).ok).toBe(true);
      });
    });
  }
});
