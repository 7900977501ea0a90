// The agent started while its API server is down (the wiring `npm start` uses): it does not end,
// /readyz answers 503 saying what it waits for, and once the API server is started the agent
// becomes ready by itself, lists the namespaces, scans them and posts the demo incident.
// This file runs its own cluster (stopping the shared one would cut other files' requests).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/agent-harness.ts';
import { clusterContext, describeWithCluster, type TestClusterContext } from '../support/cluster-context.ts';
import { eventually } from '../support/eventually.ts';
import { recordingLogger } from '../support/recording-logger.ts';
import { findClusterBinaries } from '../support/test-cluster/binaries.ts';
import { describeCluster } from '../support/test-cluster/cluster-info.ts';
import { startTestCluster, type TestCluster } from '../support/test-cluster/cluster.ts';
import { blocksText } from '../support/agent-harness.ts';

describeWithCluster('starting while the API server is down', () => {
  let cluster: TestCluster;
  let ctx: TestClusterContext & { closeNode(): Promise<void> };
  let h: Harness;
  let ns: string;
  const logger = recordingLogger();

  const readyz = async () => {
    const res = await fetch(`http://127.0.0.1:${h.agent.healthPort}/readyz`);
    return { status: res.status, body: (await res.json()) as { status: string; checks: Record<string, string> } };
  };

  beforeAll(async () => {
    const binaries = findClusterBinaries()!;
    cluster = await startTestCluster(binaries);
    ctx = clusterContext(describeCluster(cluster, binaries));
    // The demo, OOMing, stored in etcd before the API server goes away.
    ns = await ctx.createNamespace('demo');
    await ctx.applyDemo(ns);
    await ctx.setContainerScenario(ns, 'memory-hog', 'app', { kind: 'crash-loop-after-oom', restartCount: 4 });
    await ctx.setLogs(ns, 'memory-hog', 'app', { previous: 'stress: FAIL: [1] (415) <-- worker 7 got signal 9\n' });
    await cluster.stopApiServer();
    // No SCAN_NAMESPACES: the agent must list namespaces first, which is what used to end the start.
    h = await startHarness(ctx, { mode: 'http', namespace: ns, watch: true, logger, env: { SCAN_NAMESPACES: '' } });
  }, 180_000);

  afterAll(async () => {
    await h?.stop();
    await ctx?.closeNode();
    await cluster?.stop();
  });

  it('serves /readyz 503, saying it waits for the API server, and /healthz 200', async () => {
    const { status, body } = await readyz();
    expect(status).toBe(503);
    expect(body.status).toBe('unready');
    expect(body.checks.kubernetes).toMatch(/^failed: waiting to begin work: k8s_unreachable: unreachable: cannot list namespaces/);
    expect(body.checks.redis).toBe('ok');
    expect(body.checks.slack).toBe('ok');
    expect((await fetch(`http://127.0.0.1:${h.agent.healthPort}/healthz`)).status).toBe(200);
    // Slack is served meanwhile.
    const res = await h.slack.deliver(h.eventsUrl, h.slack.payloads.slashCommand({ text: 'help' }));
    expect(res.status).toBe(200);
    await eventually('a retry logged', () => logger.entries.some((e) => /cannot begin work yet .*trying again in \d+ ms/.test(e.msg ?? '')));
    expect(h.slack.callsTo('chat.postMessage')).toEqual([]);
  });

  it('becomes ready once the API server starts, and posts the demo incident', { timeout: 120_000 }, async () => {
    await cluster.restart();
    await eventually('ready', async () => (await readyz()).status === 200, 90_000);
    expect((await readyz()).body.checks.kubernetes).toBe('ok');
    const post = await h.slack.waitForCall('chat.postMessage', (c) => blocksText(c).includes('memory-hog'), 60_000);
    expect(blocksText(post)).toContain(ns);
    expect(logger.entries.some((e) => e.msg === 'the API server answers: scans and the pod watch have begun')).toBe(true);
    expect(logger.entries.some((e) => e.msg === 'pod watch started')).toBe(true);
  });
});
