// Slack failing under the running bot: rate limits, a channel that is gone, a revoked token. The
// incident is still stored and posted exactly once when Slack lets it, each failure is logged and
// counted, and the agent keeps serving.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/agent-harness.ts';
import { describeWithCluster, useTestCluster } from '../support/cluster-context.ts';
import { eventually } from '../support/eventually.ts';
import { recordingLogger, type RecordingLogger } from '../support/recording-logger.ts';
import { expectAudited, expectServing, incidentPosts, metric, oomNamespace, probe, problems } from './fault-support.ts';

describeWithCluster('Slack faults under the running bot', () => {
  const cluster = useTestCluster();
  let h: Harness;
  let logger: RecordingLogger;

  beforeAll(async () => {
    await cluster.node();
    logger = recordingLogger();
    h = await startHarness(cluster, { mode: 'http', namespace: await cluster.createNamespace('slack-home'), logger });
  });
  afterAll(async () => h?.stop());

  const attempts = (ns: string) => h.slack.callsTo('chat.postMessage').filter((c) => JSON.stringify(c.args).includes(ns));

  it('waits out a 429 with Retry-After, then posts once, and counts the rate limit', async () => {
    const ns = await oomNamespace(cluster, 'slack-429');
    const before = await metric(h, 'slack_rate_limited_total', { method: 'chat.postMessage' });
    h.slack.failNext('chat.postMessage', { status: 429, retryAfter: 1 });
    await h.queues.enqueueScan({ namespace: ns, trigger: 'schedule' });

    await eventually('the incident posted', () => incidentPosts(h, ns).length === 1);
    const tries = attempts(ns);
    expect(tries.map((c) => c.status)).toEqual([429, 200]);
    expect(await metric(h, 'slack_rate_limited_total', { method: 'chat.postMessage' })).toBe(before + 1);
    expect(problems(logger.entries, /rate limit/i).length).toBeGreaterThan(0);
    const [incident] = (await h.store.listOpen()).filter((r) => r.detection.namespace === ns);
    await eventually('the post audited', async () => (await h.auditEntries()).some((e) => e.incidentId === incident!.id && e.action === 'incident_posted'));
    await expectAudited(h, incident!.id, ['incident_posted']);
    expect((await h.auditEntries()).filter((e) => e.incidentId === incident!.id && e.action === 'incident_posted')).toHaveLength(1);
    await expectServing(h);
  });

  it('stores the incident when the channel is not found, logs and counts it, and posts it once when Slack recovers', async () => {
    const ns = await oomNamespace(cluster, 'slack-gone');
    const before = await metric(h, 'slack_api_errors_total', { method: 'chat.postMessage', error: 'channel_not_found' });
    h.slack.failNext('chat.postMessage', 'channel_not_found');
    await h.queues.enqueueScan({ namespace: ns, trigger: 'schedule' });

    await eventually('the failed post counted', async () => (await metric(h, 'slack_api_errors_total', { method: 'chat.postMessage', error: 'channel_not_found' })) === before + 1);
    await eventually('the failure logged', () => problems(logger.entries, /channel_not_found/).length > 0);
    const stored = (await h.store.listOpen()).filter((r) => r.detection.namespace === ns);
    expect(stored).toHaveLength(1);
    await expectServing(h);

    // The analysis job's retry posts the stored incident, once; another scan does not add a post.
    await eventually('the incident posted after the retry', () => incidentPosts(h, ns).length === 1, 30_000);
    await eventually('the post audited', async () => (await h.auditEntries()).some((e) => e.incidentId === stored[0]!.id && e.action === 'incident_posted'));
    await h.queues.enqueueScan({ namespace: ns, trigger: 'schedule' });
    await eventually('the second scan', async () => (await metric(h, 'scans_total', { namespace: ns, outcome: 'ok' })) >= 2);
    expect(incidentPosts(h, ns)).toHaveLength(1);
    expect(attempts(ns).map((c) => c.response.error ?? 'ok')).toEqual(['channel_not_found', 'ok']);
    expect((await h.store.get(stored[0]!.id))?.slack?.ts).toBe(String(incidentPosts(h, ns)[0]!.response.ts));
    await expectAudited(h, stored[0]!.id, ['incident_posted']);
    expect((await h.auditEntries()).filter((e) => e.incidentId === stored[0]!.id && e.action === 'incident_posted')).toHaveLength(1);
  });

  it('reports Slack as failed in readiness on invalid_auth, keeps serving, and recovers', async () => {
    h.slack.failNext('auth.test', 'invalid_auth');
    const ready = await probe(h, '/readyz');
    expect(ready.status).toBe(503);
    const report = JSON.parse(ready.body) as { status: string; checks: Record<string, string> };
    expect(report.status).toBe('unready');
    expect(report.checks.slack).toMatch(/^failed: .*invalid_auth/);
    expect(report.checks.redis).toBe('ok');
    expect(await metric(h, 'slack_api_errors_total', { method: 'auth.test', error: 'invalid_auth' })).toBe(1);
    await expectServing(h);
    await eventually('readiness recovered', async () => (await probe(h, '/readyz')).status === 200);

    // A post refused for invalid_auth: the incident is kept, the job logs it and retries.
    const ns = await oomNamespace(cluster, 'slack-auth');
    h.slack.failNext('chat.postMessage', 'invalid_auth');
    await h.queues.enqueueScan({ namespace: ns, trigger: 'schedule' });
    await eventually('the refused post counted', async () => (await metric(h, 'slack_api_errors_total', { method: 'chat.postMessage', error: 'invalid_auth' })) === 1);
    await eventually('the failure logged', () => problems(logger.entries, /invalid_auth/).length > 0);
    expect((await h.store.listOpen()).filter((r) => r.detection.namespace === ns)).toHaveLength(1);
    await expectServing(h);
    await eventually('posted once after the retry', () => incidentPosts(h, ns).length === 1, 30_000);
    expect((await h.audit.verify()).ok).toBe(true);
  });
});
