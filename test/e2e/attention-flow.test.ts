// A crash loop that is not an OOM, as people meet it: posted once with its family and no
// Approve/Reject; Acknowledge and Mute by an approver, each audited and shown in the message; a
// non-approver refused; while muted, a recurrence makes no post, no message update and no LLM call.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithCluster, useTestCluster } from '../support/cluster-context.ts';
import { APPROVER, NON_APPROVER, blocksText, startHarness, type Harness } from '../support/agent-harness.ts';
import { eventually } from '../support/eventually.ts';

describeWithCluster('Acknowledge and Mute end to end', () => {
  const cluster = useTestCluster();
  let h: Harness;
  let ns: string;

  beforeAll(async () => {
    ns = await cluster.createNamespace('crash');
    await cluster.applyDemo(ns);
    await cluster.node();
    await cluster.setContainerScenario(ns, 'memory-hog', 'app', { kind: 'running' });
    await cluster.setContainerScenario(ns, 'slow-memory-hog', 'app', { kind: 'running' });
    h = await startHarness(cluster, { mode: 'http', namespace: ns });
    await eventually('the start-up scan', async () => /^kube_ai_sre_scans_total\{[^}]*\} [1-9]/m.test(await h.agent.metrics.scrape()));
    await cluster.setContainerScenario(ns, 'memory-hog', 'app', { kind: 'crash-loop', exitCode: 1, restartCount: 4 });
    await cluster.setLogs(ns, 'memory-hog', 'app', { previous: 'panic: dial tcp 10.0.0.7:5432: connect: connection refused', current: '' });
  });
  afterAll(async () => h?.stop());

  const deliver = async (payload: Parameters<Harness['slack']['deliver']>[1]) => {
    const res = await h.slack.deliver(h.eventsUrl, payload);
    expect(res.status).toBe(200);
  };

  it('posts the crash loop once, then acknowledges, refuses, mutes and stays silent while muted', { timeout: 90_000 }, async () => {
    await deliver(h.slack.payloads.slashCommand({ text: `scan ${ns}` }));
    const post = await h.slack.waitForCall('chat.postMessage', (c) => blocksText(c).includes('memory-hog'), 20_000);
    const text = blocksText(post);
    for (const fact of ['Crash loop', '*What happened* (crash)', 'exit code 1: application error', 'incident_acknowledge', 'incident_mute']) expect(text).toContain(fact);
    expect(text).not.toContain('"action_id":"incident_approve"');
    const summary = await h.slack.waitForResponse((r) => JSON.stringify(r.body).includes('Scan of'));
    expect(JSON.stringify(summary.body)).toMatch(/1 incident: 1 crash/);

    const ts = String((post.response as { ts: string }).ts);
    await eventually('the Slack ref stored', async () => (await h.store.listOpen())[0]?.slack?.ts === ts);
    const [incident] = await h.store.listOpen();

    await deliver(h.slack.payloads.blockAction({ actionId: 'incident_acknowledge', value: incident!.id, user: APPROVER, message: { ts } }));
    await h.slack.waitForCall('chat.update', (c) => c.args.ts === ts && blocksText(c).includes('Acknowledged by'));

    await deliver(h.slack.payloads.blockAction({
      actionId: 'incident_mute', user: NON_APPROVER, message: { ts }, selectedOption: { value: `${incident!.id}|24h`, text: '1 day' },
    }));
    await h.slack.waitForCall('chat.postEphemeral', (c) => c.args.user === NON_APPROVER.id && String(c.args.text).includes('Only the approvers'));

    await deliver(h.slack.payloads.blockAction({
      actionId: 'incident_mute', user: APPROVER, message: { ts }, selectedOption: { value: `${incident!.id}|24h`, text: '1 day' },
    }));
    await h.slack.waitForCall('chat.update', (c) => c.args.ts === ts && blocksText(c).includes('Muted by'));
    await eventually('mute audited', async () => (await h.auditEntries()).some((e) => e.action === 'muted' && e.outcome === 'muted for 1 day'));
    const audited = (await h.auditEntries()).filter((e) => e.incidentId === incident!.id).map((e) => [e.actor, e.action, e.outcome]);
    expect(audited).toEqual(expect.arrayContaining([
      [APPROVER.id, 'acknowledged', 'acknowledged'],
      [NON_APPROVER.id, 'muted', 'refused: not an approver'],
      [APPROVER.id, 'muted', 'muted for 1 day'],
    ]));

    // It crashes again while muted: counted, but no post, no update and no LLM call.
    const chats = h.ollama.chatRequests().length;
    const updates = h.slack.callsTo('chat.update').length;
    const posts = h.slack.callsTo('chat.postMessage').length;
    await cluster.setContainerScenario(ns, 'memory-hog', 'app', { kind: 'crash-loop', exitCode: 1, restartCount: 9 });
    await deliver(h.slack.payloads.slashCommand({ text: `scan ${ns}` }));
    await h.slack.waitForResponse((r) => JSON.stringify(r.body).includes('already reported'));
    await eventually('the recurrence counted', async () => ((await h.store.get(incident!.id))?.occurrences ?? 0) >= 2);
    expect(h.ollama.chatRequests()).toHaveLength(chats);
    expect(h.slack.callsTo('chat.update')).toHaveLength(updates);
    expect(h.slack.callsTo('chat.postMessage')).toHaveLength(posts);
    expect((await h.audit.verify()).ok).toBe(true);
  });
});
