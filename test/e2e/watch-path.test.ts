// Near-real-time detection: with the watch on, an OOM status change reaches Slack without any
// scan running, is posted once, and the next OOM updates that message in place.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithCluster, useTestCluster } from '../support/cluster-context.ts';
import { blocksText, startHarness, type Harness } from '../support/agent-harness.ts';
import { eventually } from '../support/eventually.ts';

const metric = async (h: Harness, pattern: RegExp) => {
  const m = (await h.agent.metrics.scrape()).match(pattern);
  return m ? Number(m[1]) : 0;
};

describeWithCluster('watch path', () => {
  const cluster = useTestCluster();
  let h: Harness;
  let ns: string;

  beforeAll(async () => {
    ns = await cluster.createNamespace('watch');
    await cluster.applyDemo(ns);
    await cluster.node();
    await cluster.setContainerScenario(ns, 'memory-hog', 'app', { kind: 'running' });
    await cluster.setContainerScenario(ns, 'slow-memory-hog', 'app', { kind: 'running' });
    h = await startHarness(cluster, { mode: 'http', namespace: ns, watch: true });
    // The scheduler's first scan runs at start and finds nothing: from here on, only the watch can see the OOM.
    await eventually('the start-up scan', async () => (await metric(h, /^kube_ai_sre_scans_total\{[^}]*\} (\d+)/m)) >= 1);
  });
  afterAll(async () => h?.stop());

  const posts = () => h.slack.callsTo('chat.postMessage').filter((c) => blocksText(c).includes('memory-hog'));

  it('posts an OOM status change once, through the watch', async () => {
    const scansBefore = await metric(h, /^kube_ai_sre_scans_total\{[^}]*\} (\d+)/m);
    await cluster.setContainerScenario(ns, 'memory-hog', 'app', { kind: 'crash-loop-after-oom', restartCount: 1 });
    await h.slack.waitForCall('chat.postMessage', (c) => blocksText(c).includes('memory-hog'), 20_000);
    expect(await metric(h, /^kube_ai_sre_scans_total\{[^}]*\} (\d+)/m)).toBe(scansBefore);
    expect(await metric(h, /^kube_ai_sre_detection_latency_seconds_count (\d+)/m)).toBe(1);
    expect(posts()).toHaveLength(1);
    // Where it was found is kept, shown, audited and counted.
    expect(blocksText(posts()[0]!)).toContain('*Found by*\\npod watch');
    await eventually('the post audited', async () => (await h.auditEntries()).some((e) => e.action === 'incident_posted'));
    const [incident] = await h.store.listOpen();
    expect(incident!.source).toEqual({ kind: 'watch' });
    expect((await h.auditEntries()).find((e) => e.action === 'incident_posted')?.details?.source).toBe('watch');
    // Counted once the analysis job returns, just after its audit append.
    await eventually('the incident counted', async () => (await metric(h, /^kube_ai_sre_incidents_detected_total\{kind="OOMCrashLoop",family="memory",source="watch"\} (\d+)/m)) === 1);
  });

  it('updates the message in place on the next OOM instead of posting again', async () => {
    await eventually('the Slack ref stored', async () => (await h.store.listOpen())[0]?.slack !== undefined);
    const [incident] = await h.store.listOpen();
    await cluster.setContainerScenario(ns, 'memory-hog', 'app', { kind: 'crash-loop-after-oom', restartCount: 2 }, new Date(Date.now() + 10_000));
    await h.slack.waitForCall('chat.update', (c) => c.args.ts === incident!.slack!.ts && blocksText(c).includes('2 restarts'), 20_000);
    // A status change unrelated to memory does not touch Slack. The watch delivers in order, so once
    // the next memory-hog change has been handled, the slow-memory-hog one has been too.
    await cluster.setContainerScenario(ns, 'slow-memory-hog', 'app', { kind: 'running', restartCount: 1 });
    await cluster.setContainerScenario(ns, 'memory-hog', 'app', { kind: 'crash-loop-after-oom', restartCount: 3 }, new Date(Date.now() + 20_000));
    await h.slack.waitForCall('chat.update', (c) => c.args.ts === incident!.slack!.ts && blocksText(c).includes('3 restarts'), 20_000);
    expect(posts()).toHaveLength(1);
    expect(h.slack.callsTo('chat.postMessage').filter((c) => blocksText(c).includes('slow-memory-hog'))).toEqual([]);
    expect(h.ollama.chatRequests()).toHaveLength(1);
  });
});
