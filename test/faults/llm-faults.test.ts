// The LLM misbehaving under the running bot: too slow, refusing connections, failing, answering
// nonsense or trying to take over the verdict. Each time the incident is still posted once, with a
// rule-based diagnosis that names the reason (or, for a bad-but-valid answer, with the LLM's text
// made harmless), a clear log line, the fallback counted, the audit trail intact, and the agent
// still serving.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { approvedLimit } from '../../src/core/recommend/approved.ts';
import { blocksText, startHarness, type Harness } from '../support/agent-harness.ts';
import { describeWithCluster, useTestCluster } from '../support/cluster-context.ts';
import { eventually } from '../support/eventually.ts';
import type { FakeOllamaBehavior } from '../support/fake-ollama.ts';
import { recordingLogger, type RecordingLogger } from '../support/recording-logger.ts';
import { freePort } from '../support/test-cluster/free-port.ts';
import { expectAudited, expectServing, incidentPosts, metric, oomNamespace, problems } from './fault-support.ts';

const TIMEOUT_MS = 1_500;
/** The deterministic recommendation for memory-hog (64Mi limit): max(64+100, 64×1.2) → 176Mi. */
const RULE_LIMIT = '176Mi';

interface FallbackCase {
  name: string;
  behavior: FakeOllamaBehavior;
  reason: string;
  /** llm_calls_total outcome: the transport outcome (ok when the call answered but badly). */
  callOutcome: string;
  log: RegExp;
}

const FALLBACKS: FallbackCase[] = [
  { name: 'answers slower than OLLAMA_TIMEOUT_MS', behavior: { kind: 'slow', delayMs: 60_000 }, reason: 'llm_timeout', callOutcome: 'llm_timeout', log: /no answer within 1500 ms/ },
  { name: 'answers HTTP 500', behavior: { kind: 'http-error', status: 500 }, reason: 'llm_http_error', callOutcome: 'llm_http_error', log: /HTTP 500/ },
  { name: 'answers text that is not JSON', behavior: { kind: 'invalid-json' }, reason: 'llm_invalid_json', callOutcome: 'ok', log: /not JSON/ },
  { name: 'answers JSON that breaks the schema', behavior: { kind: 'schema-breaking' }, reason: 'llm_schema_mismatch', callOutcome: 'ok', log: /does not match the schema/ },
  { name: 'has not pulled the model', behavior: { kind: 'model-missing' }, reason: 'llm_model_missing', callOutcome: 'llm_model_missing', log: /not found, try pulling/ },
];

describeWithCluster('LLM faults under the running bot', () => {
  const cluster = useTestCluster();
  let h: Harness;
  let logger: RecordingLogger;

  beforeAll(async () => {
    await cluster.node();
    logger = recordingLogger();
    const ns = await cluster.createNamespace('llm-home');
    h = await startHarness(cluster, { mode: 'http', namespace: ns, logger, env: { OLLAMA_TIMEOUT_MS: String(TIMEOUT_MS) } });
  });
  afterAll(async () => h?.stop());

  /** Scans a fresh OOM namespace and returns its one incident message and stored incident. */
  async function scanAndWaitForPost(ns: string) {
    await h.queues.enqueueScan({ namespace: ns, trigger: 'schedule' });
    await eventually(`the incident of ${ns} posted`, () => incidentPosts(h, ns).length > 0, 30_000);
    const incident = (await h.store.listOpen()).find((r) => r.detection.namespace === ns);
    expect(incident).toBeDefined();
    await eventually('the post audited', async () => (await h.auditEntries()).some((e) => e.incidentId === incident!.id && e.action === 'incident_posted'));
    return { post: incidentPosts(h, ns)[0]!, incident: incident! };
  }

  for (const c of FALLBACKS) {
    it(`reports rule-based when the LLM ${c.name}`, async () => {
      h.ollama.setBehavior(c.behavior);
      const ns = await oomNamespace(cluster, 'llm-fault');
      const before = { fallbacks: await metric(h, 'llm_fallbacks_total', { reason: c.reason }), calls: await metric(h, 'llm_calls_total', { outcome: c.callOutcome }) };
      const logsBefore = logger.entries.length;

      const { post, incident } = await scanAndWaitForPost(ns);
      const text = blocksText(post);
      expect(text).toContain(`rule-based (${c.reason})`);
      expect(text).toContain(RULE_LIMIT);
      expect(incident.diagnosis).toMatchObject({ source: 'rule-based', fallbackReason: c.reason });
      expect(approvedLimit(incident)).toBe(RULE_LIMIT);

      // Counted when the analysis job returns, just after the post.
      await eventually('the fallback counted', async () => (await metric(h, 'llm_fallbacks_total', { reason: c.reason })) === before.fallbacks + 1);
      expect(await metric(h, 'llm_calls_total', { outcome: c.callOutcome })).toBeGreaterThan(before.calls);
      const lines = problems(logger.entries.slice(logsBefore), c.log);
      expect(lines.length, `a warning matching ${c.log}`).toBeGreaterThan(0);
      expect(lines.some((l) => l.fields.code === c.reason)).toBe(true);

      await expectAudited(h, incident.id, ['incident_posted']);
      expect(incidentPosts(h, ns)).toHaveLength(1);
      await expectServing(h);
    });
  }

  it('reports rule-based when the LLM refuses connections, and keeps serving', async () => {
    const refused = await startHarness(cluster, { mode: 'http', namespace: await cluster.createNamespace('llm-refused'), logger, env: { OLLAMA_HOST: `http://127.0.0.1:${await freePort()}` } });
    try {
      const ns = await oomNamespace(cluster, 'llm-refused');
      await refused.queues.enqueueScan({ namespace: ns, trigger: 'schedule' });
      await eventually('the incident posted', () => incidentPosts(refused, ns).length > 0, 30_000);
      expect(blocksText(incidentPosts(refused, ns)[0]!)).toContain('rule-based (llm_unreachable)');
      await eventually('the fallback counted', async () => (await metric(refused, 'llm_fallbacks_total', { reason: 'llm_unreachable' })) === 1);
      expect(await metric(refused, 'llm_calls_total', { outcome: 'llm_unreachable' })).toBeGreaterThan(0);
      expect(problems(logger.entries, /cannot connect \(ECONNREFUSED\)/).length).toBeGreaterThan(0);
      const [incident] = await refused.store.listOpen();
      await eventually('the post audited', async () => (await refused.auditEntries()).some((e) => e.action === 'incident_posted'));
      await expectAudited(refused, incident!.id, ['incident_posted']);
      // Ollama down is "degraded", not "unready": the bot keeps serving rule-based reports.
      const ready = await fetch(`http://127.0.0.1:${refused.agent.healthPort}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.text()).toMatch(/degraded/);
      await expectServing(refused);
      expect(incidentPosts(refused, ns)).toHaveLength(1);
    } finally {
      await refused.stop();
    }
  });

  it('drops an absurd suggested limit (1Ti): verdict and recommendation stay the rule\'s, within the policy max', async () => {
    h.ollama.setBehavior({
      kind: 'reply',
      content: JSON.stringify({
        rootCauses: ['The heap needs far more memory'],
        explanation: 'Give it a terabyte.',
        confidence: 0.9,
        evidence: ['stress: FAIL: [1] (415) <-- worker 7 got signal 9'],
        recommendedMemoryLimit: '1Ti',
      }),
    });
    const ns = await oomNamespace(cluster, 'llm-absurd', 'stress: FAIL: [1] (415) <-- worker 7 got signal 9');
    const { post, incident } = await scanAndWaitForPost(ns);
    expect(incident.diagnosis.source).toBe('llm');
    expect(incident.diagnosis.suggestedLimit).toBeUndefined();
    expect(incident.verdict).toMatchObject({ allowed: true, recommendedLimit: RULE_LIMIT });
    expect(incident.recommendation.limit).toBe(RULE_LIMIT);
    const text = blocksText(post);
    expect(text).toContain(RULE_LIMIT);
    expect(text).not.toContain('1Ti');
    const audited = (await h.auditEntries()).find((e) => e.incidentId === incident.id && e.action === 'incident_posted');
    expect(audited?.recommendation?.limit).toBe(RULE_LIMIT);
    await expectAudited(h, incident.id, ['incident_posted']);
  });

  it('shows no steering warning when the LLM answers well', async () => {
    h.ollama.setBehavior({ kind: 'well' });
    const ns = await oomNamespace(cluster, 'llm-good');
    const { post, incident } = await scanAndWaitForPost(ns);
    expect(incident.diagnosis).toMatchObject({ source: 'llm', confidence: 0.8 });
    expect(incident.diagnosis.steering).toBeUndefined();
    expect(blocksText(post)).not.toContain('tried to steer');
  });

  it('keeps the verdict and leaves the text inert when the LLM answer tries to approve and ping the channel', async () => {
    h.ollama.setBehavior({ kind: 'injected' });
    const ns = await oomNamespace(cluster, 'llm-injected');
    const steeredBefore = await metric(h, 'llm_steering_total', { kind: 'approval_claim' });
    const { post, incident } = await scanAndWaitForPost(ns);
    // A visible warning, the confidence capped, the event counted; the verdict as before.
    expect(blocksText(post)).toContain("The model's answer tried to steer the decision");
    expect(incident.diagnosis.steering).toEqual(expect.arrayContaining(['instruction', 'approval_claim', 'policy_claim', 'mention']));
    expect(incident.diagnosis.confidence).toBeLessThanOrEqual(0.2);
    await eventually('the steering counted', async () => (await metric(h, 'llm_steering_total', { kind: 'approval_claim' })) === steeredBefore + 1);
    // The same verdict the rules give without any LLM: the answer does not feed it.
    expect(incident.verdict).toMatchObject({ allowed: true, recommendedLimit: RULE_LIMIT, policyName: 'default' });
    expect(incident.diagnosis.suggestedLimit).toBeUndefined();
    // Evidence that is not in the context is dropped, and the confidence lowered for it.
    expect(incident.diagnosis.evidence).toEqual([]);
    expect(incident.diagnosis.confidence).toBeLessThanOrEqual(0.3);
    const text = blocksText(post);
    expect(text).not.toMatch(/<!channel>|<!here>|<!everyone>/);
    expect(text).toContain('&lt;!channel&gt;');
    expect(text).not.toContain('1Ti');
    // The injected instruction is at most shown as inert text; nothing in the message says approved or enabled.
    expect(text).not.toMatch(/auto-remediation:\s*enabled|Approved by/i);
    expect(text).toContain('Auto-remediation');
    expect(post.args.text).not.toMatch(/<!/);
    await expectAudited(h, incident.id, ['incident_posted']);
    expect(incidentPosts(h, ns)).toHaveLength(1);
  });
});
