// The Warning-event path of the running bot: a SystemOOM event about a pod whose container keeps
// running reaches Slack as a memory incident without any scan, once; the event repeating updates
// that message in place; and after a 410 Gone the event watch is back and still posts.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithCluster, useTestCluster } from '../support/cluster-context.ts';
import { blocksText, startHarness, type Harness } from '../support/agent-harness.ts';
import { eventually } from '../support/eventually.ts';
import { recordingLogger } from '../support/recording-logger.ts';
import { postEventsV1 } from '../support/test-cluster/events.ts';
import { startApiProxy, type ApiProxy } from '../support/watch-helpers.ts';
import { headerText, metric, problems } from '../faults/fault-support.ts';

describeWithCluster('event path', () => {
  const cluster = useTestCluster();
  const logger = recordingLogger();
  let proxy: ApiProxy;
  let h: Harness;
  let ns: string;

  /** A SystemOOM as the kubelet reports it with the events.k8s.io/v1 API, about `pod`. */
  async function systemOom(pod: string, pid: number, at: Date): Promise<void> {
    await postEventsV1(cluster.info, {
      namespace: ns, eventTime: at, reportingController: 'kubelet', reportingInstance: (await cluster.node()).name, action: 'OOMKilling',
      regarding: { kind: 'Pod', name: pod }, reason: 'SystemOOM', note: `System OOM encountered, victim process: stress, pid: ${pid}`,
    });
  }

  /** Incident messages about `pod` ("…: Pod/memory-hog in …"; slow-memory-hog is another pod). */
  const posts = (pod: string) => h.slack.callsTo('chat.postMessage').filter((c) => !c.args.thread_ts && headerText(c).includes(`: Pod/${pod} in `));
  const scans = () => metric(h, 'scans_total', { namespace: ns });
  const podReads = (pod: string) => proxy.requests.filter((r) => r.method === 'GET' && r.path.startsWith(`/api/v1/namespaces/${ns}/pods/${pod}`) && !r.path.includes('/log')).length;

  beforeAll(async () => {
    ns = await cluster.createNamespace('events');
    await cluster.applyDemo(ns);
    await cluster.setContainerScenario(ns, 'memory-hog', 'app', { kind: 'running' });
    await cluster.setContainerScenario(ns, 'slow-memory-hog', 'app', { kind: 'running' });
    proxy = await startApiProxy({
      upstream: cluster.info.server, caFile: cluster.info.caFile,
      clientCertFile: cluster.info.adminCertFile, clientKeyFile: cluster.info.adminKeyFile,
      servingCertFile: cluster.info.servingCertFile, servingKeyFile: cluster.info.servingKeyFile,
    });
    // Only the event watch: whatever reaches Slack came through it (scans run hourly, the first at start).
    h = await startHarness(cluster, { mode: 'http', namespace: ns, watch: false, eventWatch: true, kubeConfig: proxy.kubeConfig, logger });
    await eventually('the start-up scan', async () => (await metric(h, 'scans_total', { namespace: ns, outcome: 'ok' })) >= 1);
    await eventually('the event watch open', () => proxy.requests.some((r) => r.watch && r.path.startsWith(`/apis/events.k8s.io/v1/namespaces/${ns}/events`)));
  });
  afterAll(async () => {
    await h?.stop();
    await proxy?.close();
  });

  it('posts a SystemOOM about a running pod as a memory incident, without a scan, once', async () => {
    const scansBefore = await scans();
    const at = new Date();
    await systemOom('memory-hog', 4242, at);
    const post = await h.slack.waitForCall('chat.postMessage', (c) => !c.args.thread_ts && headerText(c).includes(': Pod/memory-hog in '), 30_000);
    expect(await scans()).toBe(scansBefore);
    const text = blocksText(post);
    expect(text).toContain('Process OOM-killed in a running container');
    expect(text).toContain('victim process: stress pid=4242');
    expect(text).toContain('(the container kept running)');
    const [incident] = await h.store.listOpen();
    expect(incident).toMatchObject({ detection: { kind: 'ProcessOOM', pod: 'memory-hog', container: 'app', reason: 'SystemOOM' }, recommendation: { rule: 'vpa-oom-bump' } });
    // Where it was found: shown, kept, audited and counted.
    expect(text).toContain('*Found by*\\nWarning event `SystemOOM`');
    expect(incident!.source).toEqual({ kind: 'event', name: 'SystemOOM' });
    await eventually('the post audited', async () => (await h.auditEntries()).some((e) => e.action === 'incident_posted'));
    expect((await h.auditEntries()).find((e) => e.action === 'incident_posted')?.details?.source).toBe('event:SystemOOM');
    await eventually('the incident counted', async () => (await metric(h, 'incidents_detected_total', { kind: 'ProcessOOM', family: 'memory', source: 'event' })) === 1);

    // The same kill reported again (another object, same time): nothing new. It is read (so it
    // cannot fold into what follows) and handled before the pod's next event is.
    const readsBefore = podReads('memory-hog');
    await systemOom('memory-hog', 4242, at);
    await eventually('the duplicate read', () => podReads('memory-hog') > readsBefore);
    // The kill repeating later updates the one message in place.
    await systemOom('memory-hog', 4343, new Date(at.getTime() + 5_000));
    await eventually('the Slack ref stored', async () => (await h.store.listOpen())[0]?.slack !== undefined);
    await eventually('the repeat recorded', async () => (await h.store.listOpen())[0]?.occurrences === 2);
    const { ts } = (await h.store.listOpen())[0]!.slack!;
    await h.slack.waitForCall('chat.update', (c) => c.args.ts === ts && blocksText(c).includes('victim process: stress pid=4343'), 30_000);
    expect(posts('memory-hog')).toHaveLength(1);
    expect(h.ollama.chatRequests()).toHaveLength(1);
    expect(await scans()).toBe(scansBefore);
    const audit = (await h.auditEntries()).filter((e) => e.incidentId === incident!.id && e.action === 'incident_posted');
    expect(audit).toHaveLength(1);
  }, 90_000);

  it('resumes after 410 Gone, counts the restart, and still posts the next kill once', async () => {
    proxy.expireNextWatch();
    proxy.resetConnections();
    await eventually('the 410 answered', () => proxy.requests.some((r) => r.gone), 40_000);
    await eventually('the restart counted', async () => (await metric(h, 'watch_restarts_total', { watch: 'events', reason: 'gone' })) >= 1, 40_000);
    expect(problems(logger.entries, /event watch restarting \(gone\)/).length).toBeGreaterThan(0);
    const scansBefore = await scans();
    await systemOom('slow-memory-hog', 777, new Date());
    await eventually('slow-memory-hog posted', () => posts('slow-memory-hog').length === 1, 40_000);
    expect(await scans()).toBe(scansBefore);
    // The re-list after the 410 delivered the first kills again to nobody: still one message for memory-hog.
    expect(posts('memory-hog')).toHaveLength(1);
  }, 90_000);
});
