// Two clusters, one Slack app, one Redis: two real API servers, an agent in each (read-only in its
// own cluster), both on the fake Slack: in Socket Mode it hands each envelope to the connection the
// test picks, as Slack spreads envelopes over an app's connections; in HTTP mode the test picks the
// agent, as an ingress in front of both would. Incidents of both clusters
// are posted once each and say which cluster; a scan of cluster a asked through b's connection is
// run by a's agent; a click on a's incident handled by b's agent records one decision and a thread
// question there is answered; once a's agent stops, a scan of a is answered plainly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPROVER, blocksText, startHarness, type Harness } from '../support/agent-harness.ts';
import { clusterContext, describeWithCluster, useTestCluster, type TestClusterContext } from '../support/cluster-context.ts';
import { eventually } from '../support/eventually.ts';
import type { InboundPayload } from '../support/fake-slack/index.ts';
import { findClusterBinaries } from '../support/test-cluster/binaries.ts';
import { describeCluster } from '../support/test-cluster/cluster-info.ts';
import { startTestCluster, type TestCluster } from '../support/test-cluster/cluster.ts';
import { freePort } from '../support/test-cluster/free-port.ts';
import { webhookAlert, webhookPayload } from '../fixtures/alertmanager/webhook.ts';

const CLUSTER_MS = 120_000;
const WEBHOOK_TOKEN = 'several-clusters-webhook-0123456789';

function counted(metrics: string, name: string, labels: RegExp): number {
  return [...metrics.matchAll(new RegExp(`^kube_ai_sre_${name}\\{([^}]*)\\} (\\d+)`, 'gm'))]
    .filter((m) => labels.test(m[1]!))
    .reduce((sum, m) => sum + Number(m[2]), 0);
}

describeWithCluster('several clusters on one Slack app and one Redis', () => {
  const clusterA = useTestCluster();
  for (const mode of ['socket', 'http'] as const) describe(`${mode} mode`, () => severalClusters(mode, clusterA));
});

function severalClusters(mode: 'socket' | 'http', clusterA: TestClusterContext): void {
  let privateB: TestCluster;
  let clusterB: TestClusterContext & { closeNode(): Promise<void> };
  // b owns the shared fakes and key prefix; a's agent joins it and is stopped halfway.
  let b: Harness;
  let a: Harness;
  let ns: string;
  let aStopped = false;
  let webhookPort: number;

  /** To b's agent (its connection, the first opened; or its HTTP endpoint), or to a's. */
  const send = async (to: () => Harness, connection: number, payload: InboundPayload): Promise<{ payload?: Record<string, unknown> }> => {
    if (mode === 'socket') return b.slack.socket.sendPayload(payload, { connection });
    const res = await b.slack.deliver(to().eventsUrl, payload);
    expect(res.status).toBe(200);
    return res.text === '' ? {} : { payload: res.json as Record<string, unknown> };
  };
  const viaB = (payload: InboundPayload) => send(() => b, 0, payload);
  const viaA = (payload: InboundPayload) => send(() => a, 1, payload);
  const incidentPosts = () => b.slack.callsTo('chat.postMessage').filter((c) => !c.args.thread_ts && blocksText(c).includes('memory-hog'));

  beforeAll(async () => {
    const binaries = findClusterBinaries();
    if (!binaries) throw new Error('kube-apiserver/etcd not found');
    privateB = await startTestCluster(binaries);
    clusterB = clusterContext(describeCluster(privateB, binaries));
    // The same namespace name in both clusters, with the same failing workload.
    ns = await clusterA.createNamespace('multi');
    await clusterB.core.createNamespace({ body: { metadata: { name: ns } } });
    for (const c of [clusterA, clusterB]) {
      await c.applyDemo(ns);
      await c.setContainerScenario(ns, 'memory-hog', 'app', { kind: 'crash-loop-after-oom', restartCount: 4 });
      await c.setContainerScenario(ns, 'slow-memory-hog', 'app', { kind: 'running' });
    }
    // Only a's agent has the Alertmanager webhook; b's maps the alerts a sends on without one.
    webhookPort = await freePort();
    const env = (name: 'a' | 'b') => ({
      CLUSTER_NAME: name, CLUSTER_HEARTBEAT_SECONDS: '1',
      ...(name === 'a' ? { ALERTMANAGER_TOKEN: WEBHOOK_TOKEN, ALERTMANAGER_PORT: String(webhookPort) } : {}),
    });
    b = await startHarness(clusterB, { mode, namespace: ns, env: env('b') });
    if (mode === 'socket') await b.slack.socket.waitForConnection(1);
    a = await startHarness(clusterA, { mode, namespace: ns, env: env('a'), shared: b });
    if (mode === 'socket') await b.slack.socket.waitForConnection(2);
  }, CLUSTER_MS);

  afterAll(async () => {
    if (!aStopped) await a?.stop();
    await b?.stop();
    await clusterB?.closeNode();
    await privateB?.stop();
  }, CLUSTER_MS);

  it('posts the incident of each cluster once, labelled with its cluster', async () => {
    // Each agent's first scheduled scan runs at start, in its own cluster.
    await eventually('both incidents posted', () => incidentPosts().length >= 2, 60_000);
    await eventually('both Slack refs stored', async () => (await b.store.listOpen()).filter((r) => r.slack).length === 2);
    const posts = incidentPosts().map(blocksText);
    expect(posts).toHaveLength(2);
    expect(posts.filter((t) => t.includes(`in a/${ns}`))).toHaveLength(1);
    expect(posts.filter((t) => t.includes(`in b/${ns}`))).toHaveLength(1);
    const open = await b.store.listOpen();
    expect(open.map((r) => r.cluster).sort()).toEqual(['a', 'b']);
    expect(new Set(open.map((r) => r.fingerprint)).size).toBe(2);
    const posted = (await b.auditEntries()).filter((e) => e.action === 'incident_posted');
    expect(posted.map((e) => e.subject?.cluster).sort()).toEqual(['a', 'b']);
  }, CLUSTER_MS);

  it('has `/sre scan a/<ns>`, received by b\'s agent, run by a\'s agent', async () => {
    const before = { a: counted(await a.agent.metrics.scrape(), 'scans_total', /trigger="slash"/), b: counted(await b.agent.metrics.scrape(), 'scans_total', /trigger="slash"/) };
    const payload = b.slack.payloads.slashCommand({ text: `scan a/${ns}` });
    const ack = await viaB(payload);
    expect(ack.payload).toEqual({ response_type: 'ephemeral', text: `Scanning ${ns} in cluster a… new incidents go to the incident channel; the summary comes here.` });
    const summary = await b.slack.waitForResponse((r) => r.url === payload.body.response_url, 30_000);
    expect(JSON.stringify(summary.body)).toContain(ns);
    expect(counted(await a.agent.metrics.scrape(), 'scans_total', /trigger="slash"/)).toBe(before.a + 1);
    expect(counted(await b.agent.metrics.scrape(), 'scans_total', /trigger="slash"/)).toBe(before.b);
    // And the other way round: b's scan asked through a's connection is run by b's agent.
    const back = b.slack.payloads.slashCommand({ text: `scan b/${ns}` });
    expect((await viaA(back)).payload).toMatchObject({ text: `Scanning ${ns} in cluster b… new incidents go to the incident channel; the summary comes here.` });
    await b.slack.waitForResponse((r) => r.url === back.body.response_url, 30_000);
    expect(counted(await b.agent.metrics.scrape(), 'scans_total', /trigger="slash"/)).toBe(before.b + 1);
    expect(counted(await a.agent.metrics.scrape(), 'scans_total', /trigger="slash"/)).toBe(before.a + 1);
    // Either agent lists the incidents of both clusters, each named with its cluster.
    const list = b.slack.payloads.slashCommand({ text: 'incidents' });
    await viaA(list);
    const listed = String((await b.slack.waitForResponse((r) => r.url === list.body.response_url)).body.text);
    expect(listed).toContain(`in a/${ns}`);
    expect(listed).toContain(`in b/${ns}`);
    // A plain namespace both clusters scan is a question back, not a guess.
    const which = await viaB(b.slack.payloads.slashCommand({ text: `scan ${ns}` }));
    expect(which.payload).toMatchObject({ text: `Which cluster? ${ns} is in several clusters: \`a\`, \`b\`. Name it, e.g. \`/sre scan a/${ns}\`.` });
  }, CLUSTER_MS);

  it('records exactly one decision when b\'s agent handles the click on a\'s incident, and answers in its thread', async () => {
    const incident = (await b.store.listOpen()).find((r) => r.cluster === 'a')!;
    const ts = incident.slack!.ts;
    const click = () => b.slack.payloads.blockAction({ actionId: 'incident_approve', value: incident.id, user: APPROVER, message: { ts } });
    await Promise.all([viaB(click()), viaB(click())]);
    await eventually('the decision recorded', async () => (await b.store.get(incident.id))?.status === 'approved');
    await eventually('the decision audited', async () => (await b.auditEntries()).some((e) => e.action === 'decision' && e.incidentId === incident.id));
    const decisions = (await b.auditEntries()).filter((e) => e.action === 'decision' && e.incidentId === incident.id);
    expect(decisions).toHaveLength(1);
    expect(decisions[0]!.subject?.cluster).toBe('a');
    expect(counted(await b.agent.metrics.scrape(), 'decisions_total', /outcome="recorded"/)).toBe(1);
    expect(counted(await a.agent.metrics.scrape(), 'decisions_total', /outcome="recorded"/)).toBe(0);

    await viaB(b.slack.payloads.messageEvent({ text: 'why did it run out of memory?', thread_ts: ts }));
    const answer = await b.slack.waitForCall('chat.postMessage', (c) => c.args.thread_ts === ts, 30_000);
    expect(String(answer.args.text)).not.toBe('');
  }, CLUSTER_MS);

  it('sends an alert about b\'s pod that reached a\'s webhook on to b\'s agent, which maps it in its own cluster without a webhook of its own', async () => {
    const alertAbout = (cluster: 'a' | 'b') => webhookAlert({
      labels: { alertname: 'ContainerMemoryNearLimit', cluster, namespace: ns, pod: 'slow-memory-hog', container: 'app', reason: '' },
      annotations: { summary: `Container app is at 93% of its memory limit in ${cluster}.` },
    });
    const memoryAlerts = async () => (await b.store.listOpen()).filter((r) => r.detection.kind === 'MemoryAlert');
    // One notification to a's receiver, as one Alertmanager for both clusters would send it.
    const res = await fetch(`http://127.0.0.1:${webhookPort}/alertmanager`, {
      method: 'POST', headers: { authorization: `Bearer ${WEBHOOK_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(webhookPayload([alertAbout('b'), alertAbout('a')])),
    });
    expect(res.status).toBe(200);
    await eventually('an alert incident in each cluster', async () => (await memoryAlerts()).length === 2, 30_000);
    const byCluster = Object.fromEntries((await memoryAlerts()).map((r) => [r.cluster, r]));
    expect(byCluster.b?.detection.facts).toContain('annotation summary: Container app is at 93% of its memory limit in b.');
    expect(byCluster.a?.detection.facts).toContain('annotation summary: Container app is at 93% of its memory limit in a.');
    expect(counted(await a.agent.metrics.scrape(), 'alerts_routed_total', /to="b"/)).toBe(1);
    // Each was mapped by its own cluster's agent (counted as its alert job returns).
    const opened = async (h: Harness) => counted(await h.agent.metrics.scrape(), 'alert_outcomes_total', /outcome="opened"/);
    await eventually('each agent counted the alert it opened', async () => (await opened(a)) === 1 && (await opened(b)) === 1);
  }, CLUSTER_MS);

  it('lists both clusters, then answers plainly that cluster a has no live agent once a\'s agent stops', async () => {
    const payload = b.slack.payloads.slashCommand({ text: 'clusters' });
    await viaB(payload);
    const listed = String((await b.slack.waitForResponse((r) => r.url === payload.body.response_url)).body.text);
    expect(listed.split('\n')[0]).toBe('*Clusters* (2 live of 2):');
    expect(listed).toContain(`scans ${ns}`);

    await a.stop();
    aStopped = true;
    const ack = await viaB(b.slack.payloads.slashCommand({ text: `scan a/${ns}` }));
    expect(String(ack.payload?.text)).toMatch(/^Cluster `a` has no live agent \(last heartbeat <!date\^\d+\^[^>]+>\): nothing was scanned\. Live clusters: `b`\.$/);
    // A plain namespace goes to the one cluster left.
    const plain = await viaB(b.slack.payloads.slashCommand({ text: `scan ${ns}` }));
    expect(plain.payload).toMatchObject({ text: `Scanning ${ns} in cluster b… new incidents go to the incident channel; the summary comes here.` });
    expect((await b.audit.verify()).ok).toBe(true);
  }, CLUSTER_MS);
}
