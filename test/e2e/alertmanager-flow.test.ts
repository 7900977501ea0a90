// Alertmanager alerts end to end: a real Alertmanager whose webhook receiver is the bot (bearer
// token in http_config.authorization), the real API server with the pod watch on, fake Slack and
// fake Ollama. An OOM alert for a pod the watch already reported joins that incident; an alert
// about a pod the rules do not flag opens one incident with the alert's facts and is resolved by
// its resolved notification; redeliveries change nothing; a wrong token is refused.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { blocksText, startHarness, type Harness } from '../support/agent-harness.ts';
import { describeWithCluster, useTestCluster } from '../support/cluster-context.ts';
import { eventually } from '../support/eventually.ts';
import { freePort } from '../support/test-cluster/free-port.ts';
import { startAlertmanager, type PostableAlert, type TestAlertmanager } from '../support/alertmanager/server.ts';
import { findAlertmanagerTools, ALERTMANAGER_HINT } from '../support/alertmanager/tools.ts';
import { webhookAlert, webhookPayload } from '../fixtures/alertmanager/webhook.ts';
import { metric } from '../faults/fault-support.ts';

const TOKEN = 'e2e-alertmanager-token-0123456789';
const tools = findAlertmanagerTools();

describeWithCluster('Alertmanager alerts end to end', () => {
  const cluster = useTestCluster();
  let h: Harness;
  let am: TestAlertmanager;
  let ns: string;
  let webhookUrl: string;

  beforeAll(async () => {
    if (!tools) throw new Error(`alertmanager or amtool not found: ${ALERTMANAGER_HINT}`);
    ns = await cluster.createNamespace('alerts');
    await cluster.applyDemo(ns);
    await cluster.node();
    await cluster.setContainerScenario(ns, 'memory-hog', 'app', { kind: 'running' });
    await cluster.setContainerScenario(ns, 'slow-memory-hog', 'app', { kind: 'running' });
    const port = await freePort();
    webhookUrl = `http://127.0.0.1:${port}/alertmanager`;
    h = await startHarness(cluster, { mode: 'http', namespace: ns, watch: true, env: { ALERTMANAGER_TOKEN: TOKEN, ALERTMANAGER_PORT: String(port) } });
    // Repeats every 2 s: every firing group is redelivered again and again during the tests.
    am = await startAlertmanager(tools, { webhookUrl, token: TOKEN, repeatInterval: '2s' });
    await eventually('the start-up scan', async () => (await metric(h, 'scans_total')) >= 1);
  });
  afterAll(async () => {
    await am?.stop();
    await h?.stop();
  });

  const postsAbout = (pod: string) => h.slack.callsTo('chat.postMessage').filter((c) => !c.args.thread_ts && blocksText(c).includes(pod));
  const processed = (outcome: string) => metric(h, 'alert_outcomes_total', { outcome });
  const accepted = () => metric(h, 'alertmanager_requests_total', { outcome: 'accepted' });

  it('joins the pod watch\'s incident with an OOM alert for the same pod: still one message', async () => {
    await cluster.setContainerScenario(ns, 'memory-hog', 'app', { kind: 'crash-loop-after-oom', restartCount: 1 });
    await h.slack.waitForCall('chat.postMessage', (c) => blocksText(c).includes('memory-hog'), 20_000);
    await eventually('the incident stored with its message', async () => (await h.store.listOpen()).some((r) => r.slack && r.detection.pod === 'memory-hog'));
    const llmCalls = h.ollama.chatRequests().length;

    await am.post([{
      labels: { alertname: 'KubeContainerOOMKilled', namespace: ns, pod: 'memory-hog', container: 'app', severity: 'warning', reason: 'OOMKilled', instance: '10.244.0.9:8080', job: 'kube-state-metrics' },
      annotations: { summary: 'Kubernetes container oom killed.' },
    }]);
    await eventually('the alert joined the incident', async () => (await processed('joined')) >= 1, 20_000);
    const open = (await h.store.listOpen()).filter((r) => r.detection.pod === 'memory-hog');
    expect(open).toHaveLength(1);
    expect(open[0]!.source).toEqual({ kind: 'watch' });
    // Its one message now shows that the team's own alert fired about it too.
    await h.slack.waitForCall('chat.update', (c) => c.args.ts === open[0]!.slack!.ts && blocksText(c).includes('also alerted: `KubeContainerOOMKilled`'), 20_000);
    expect(open[0]!.alerts).toEqual(['KubeContainerOOMKilled']);
    expect(postsAbout('memory-hog')).toHaveLength(1);
    expect(h.ollama.chatRequests()).toHaveLength(llmCalls);
  });

  const nearLimit: PostableAlert = {
    labels: { alertname: 'ContainerMemoryNearLimit', namespace: '', pod: 'slow-memory-hog', container: 'app', severity: 'warning' },
    annotations: { summary: 'Container app is at 93% of its memory limit.', runbook_url: 'https://runbooks.example/memory-near-limit' },
    startsAt: new Date(Date.now() - 60_000).toISOString(),
  };

  it('opens one incident with the alert\'s facts for a pod the rules did not flag', async () => {
    nearLimit.labels.namespace = ns;
    await am.post([nearLimit]);
    const post = await h.slack.waitForCall('chat.postMessage', (c) => blocksText(c).includes('slow-memory-hog'), 30_000);
    const text = blocksText(post);
    expect(text).toContain('Memory alert');
    expect(text).toContain('ContainerMemoryNearLimit: Container app is at 93% of its memory limit.');
    expect(text).toContain('Alertmanager alert');
    expect(text).toContain('label severity=warning');
    // No resource change to approve from an alert: acknowledge or mute.
    expect(text).toContain('incident_acknowledge');
    expect(text, text).not.toContain('"action_id":"incident_approve"');
    await eventually('the incident stored with its message', async () => (await h.store.listOpen()).some((r) => r.slack && r.detection.pod === 'slow-memory-hog'));
    const [incident] = (await h.store.listOpen()).filter((r) => r.detection.pod === 'slow-memory-hog');
    expect(incident).toMatchObject({ source: { kind: 'alert', name: 'ContainerMemoryNearLimit' }, detection: { kind: 'MemoryAlert', container: 'app' }, workload: { kind: 'Pod', name: 'slow-memory-hog' } });
    expect(incident!.detection.facts).toContain('annotation runbook_url: https://runbooks.example/memory-near-limit');
    await eventually('the post audited', async () => (await h.auditEntries()).some((e) => e.action === 'incident_posted' && e.incidentId === incident!.id));
    const audit = (await h.auditEntries()).find((e) => e.action === 'incident_posted' && e.incidentId === incident!.id);
    expect(audit?.details?.source).toBe('alert:ContainerMemoryNearLimit');
  });

  it('changes nothing when Alertmanager and anyone else deliver the same alert again', async () => {
    const posts = h.slack.callsTo('chat.postMessage').length;
    const updates = h.slack.callsTo('chat.update').length;
    const llmCalls = h.ollama.chatRequests().length;
    const [incident] = (await h.store.listOpen()).filter((r) => r.detection.pod === 'slow-memory-hog');
    // Alertmanager's own repeats (repeat_interval 2 s) ...
    const before = await accepted();
    await eventually('two repeats delivered', async () => (await accepted()) >= before + 2, 30_000);
    // ... and the same alert in a notification of another shape (another group, another order).
    const knownBefore = await processed('known');
    const again = webhookPayload([{ ...webhookAlert(), labels: nearLimit.labels, annotations: nearLimit.annotations!, startsAt: nearLimit.startsAt! }], { groupKey: '{}:{other="group"}', receiver: 'kube-ai-sre' });
    const res = await fetch(webhookUrl, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(again) });
    expect(res.status).toBe(200);
    await eventually('the redelivery processed', async () => (await processed('known')) > knownBefore, 20_000);
    expect(h.slack.callsTo('chat.postMessage')).toHaveLength(posts);
    expect(h.slack.callsTo('chat.update')).toHaveLength(updates);
    expect(h.ollama.chatRequests()).toHaveLength(llmCalls);
    const [after] = (await h.store.listOpen()).filter((r) => r.detection.pod === 'slow-memory-hog');
    expect(after).toEqual(incident);
  });

  it('resolves that incident with its resolved notification, and only that one', async () => {
    const [incident] = (await h.store.listOpen()).filter((r) => r.detection.pod === 'slow-memory-hog');
    await am.post([{ ...nearLimit, endsAt: new Date(Date.now() - 1000).toISOString() }]);
    await eventually('the alert incident resolved', async () => (await h.store.get(incident!.id))?.status === 'resolved', 20_000);
    await h.slack.waitForCall('chat.update', (c) => c.args.ts === incident!.slack!.ts && blocksText(c).includes('Resolved'), 20_000);
    await eventually('the resolution audited', async () => (await h.auditEntries()).some((e) => e.action === 'incident_resolved' && e.incidentId === incident!.id));
    const audit = (await h.auditEntries()).find((e) => e.action === 'incident_resolved' && e.incidentId === incident!.id);
    expect(audit?.outcome).toBe('resolved: Alertmanager reports the alert resolved');
    // The OOM alert resolving leaves the pod watch's incident to the rules.
    const resolvedBefore = await metric(h, 'alerts_received_total', { status: 'resolved' });
    await am.post([{ labels: { alertname: 'KubeContainerOOMKilled', namespace: ns, pod: 'memory-hog', container: 'app', severity: 'warning', reason: 'OOMKilled', instance: '10.244.0.9:8080', job: 'kube-state-metrics' }, endsAt: new Date(Date.now() - 1000).toISOString() }]);
    await eventually('the OOM alert\'s resolution delivered', async () => (await metric(h, 'alerts_received_total', { status: 'resolved' })) > resolvedBefore, 20_000);
    await eventually('and processed', async () => {
      const counts = await h.queues.alert.getJobCounts('waiting', 'active', 'delayed');
      return counts.waiting + counts.active + counts.delayed === 0;
    }, 20_000);
    expect((await h.store.listOpen()).map((r) => r.detection.pod)).toEqual(['memory-hog']);
  });

  it('refuses a wrong token with 401 and records nothing', async () => {
    const open = await h.store.listOpen();
    const audit = (await h.auditEntries()).length;
    const stranger = webhookPayload([webhookAlert({ labels: { alertname: 'KubePodCrashLooping', namespace: ns, pod: 'memory-hog', container: 'app' } })]);
    for (const authorization of [undefined, 'Bearer wrong-token-0123456789abcdef']) {
      const res = await fetch(webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) }, body: JSON.stringify(stranger) });
      expect(res.status).toBe(401);
    }
    expect(await metric(h, 'alertmanager_requests_total', { outcome: 'unauthorized' })).toBe(2);
    expect(await h.store.listOpen()).toEqual(open);
    expect((await h.auditEntries()).length).toBe(audit);
    expect(await h.queues.alert.getJobCounts('waiting', 'active', 'delayed')).toEqual({ waiting: 0, active: 0, delayed: 0 });
  });
});
