import { describe, expect, it } from 'vitest';
import { createOllamaClient } from '../../src/adapters/ollama/llm-client.ts';
import { CONTEXT_BEGIN, PROMPT_VERSION } from '../../src/core/diagnosis/prompt.ts';
import { PARSE_LIMITS } from '../../src/core/diagnosis/parse.ts';
import { evaluatePolicy } from '../../src/core/policy/evaluate.ts';
import { PolicySchema } from '../../src/core/policy/schema.ts';
import { recommendMemory } from '../../src/core/recommend/memory.ts';
import { silentLogger } from '../../src/logging.ts';
import type { LlmClient } from '../../src/ports.ts';
import { diagnoseIncident } from '../../src/usecases/diagnose-incident.ts';
import { oomKilled } from '../fixtures/detections/memory.ts';
import { context } from '../fixtures/diagnosis/context.ts';
import type { FakeOllamaBehavior } from '../support/fake-ollama.ts';
import { freePort } from '../support/test-cluster/free-port.ts';
import { useFakeOllama } from '../support/use-fake-ollama.ts';

const SHORT_TIMEOUT_MS = 300;

const fake = useFakeOllama();

const recommendation = recommendMemory(oomKilled);
const input = { detection: oomKilled, context, recommendation };
const policies = [
  PolicySchema.parse({
    apiVersion: 'kube-ai-sre/v1',
    kind: 'MemoryPolicy',
    metadata: { name: 'default' },
    spec: { namespaces: ['*'], maxMemoryLimit: '4Gi', approvers: ['U0123ABCD'] },
  }),
];

function llm(timeoutMs = 10_000, host = fake().url): LlmClient {
  return createOllamaClient({ host, model: 'mistral', timeoutMs, logger: silentLogger });
}

describe('diagnoseIncident against the fake Ollama', () => {
  it('makes exactly one chat call and returns the model’s diagnosis with verified evidence', async () => {
    const dx = await diagnoseIncident({ llm: llm(), logger: silentLogger }, { ...input, similar: ['2025-02-11 checkout OOMKilled at 64Mi'] });
    expect(dx).toMatchObject({ source: 'llm', model: 'mistral', promptVersion: PROMPT_VERSION, confidence: 0.8, suggestedLimit: '176Mi' });
    expect(dx.fallbackReason).toBeUndefined();
    expect(dx.evidence.length).toBeGreaterThan(0);
    for (const line of dx.evidence) expect(context.text).toContain(line);
    expect(fake().chatRequests()).toHaveLength(1);
    const sent = fake().chatRequests()[0]!;
    expect(sent.messages[0]?.content).toMatch(/UNTRUSTED DATA/);
    expect(sent.messages[1]?.content).toContain(`${CONTEXT_BEGIN}\n${context.text}`);
    expect(sent.messages[1]?.content).toContain('2025-02-11 checkout OOMKilled at 64Mi');
    expect(sent.format).toMatchObject({ type: 'object', required: ['rootCauses', 'explanation', 'confidence', 'evidence'] });
  });

  it.each<{ name: string; behavior: FakeOllamaBehavior; reason: string }>([
    { name: 'slow', behavior: { kind: 'slow', delayMs: 60_000 }, reason: 'llm_timeout' },
    { name: 'hang', behavior: { kind: 'hang' }, reason: 'llm_timeout' },
    { name: 'invalid JSON', behavior: { kind: 'invalid-json' }, reason: 'llm_invalid_json' },
    { name: 'schema-breaking JSON', behavior: { kind: 'schema-breaking' }, reason: 'llm_schema_mismatch' },
    { name: 'HTTP 500', behavior: { kind: 'http-error', status: 500 }, reason: 'llm_http_error' },
    { name: 'model missing', behavior: { kind: 'model-missing' }, reason: 'llm_model_missing' },
    { name: 'closed connection', behavior: { kind: 'close' }, reason: 'llm_unreachable' },
  ])('$name → rule-based diagnosis with $reason after exactly one call', async ({ behavior, reason }) => {
    fake().setBehavior(behavior);
    const dx = await diagnoseIncident({ llm: llm(SHORT_TIMEOUT_MS), logger: silentLogger }, input);
    expect(dx).toMatchObject({ source: 'rule-based', fallbackReason: reason });
    expect(dx.explanation).toMatch(/exceeded its 64Mi memory limit and was killed by the kernel OOM killer \(exit 137\)/);
    expect(dx.evidence).toContain(context.statusLines[0]);
    expect(fake().chatRequests()).toHaveLength(1);
  });

  it('an injected answer cannot change the verdict, and its 1Ti suggestion is dropped', async () => {
    const honest = await diagnoseIncident({ llm: llm(), logger: silentLogger }, input);
    fake().setBehavior({ kind: 'injected' });
    const injected = await diagnoseIncident({ llm: llm(), logger: silentLogger }, input);
    expect(fake().chatRequests()).toHaveLength(2);
    expect(injected.source).toBe('llm');
    expect(injected.suggestedLimit).toBeUndefined();
    expect(injected.evidence).toEqual([]);
    expect(injected.confidence).toBeLessThan(PARSE_LIMITS.unsupportedConfidence);
    expect(injected.steering).toContain('approval_claim');
    expect(honest.steering).toBeUndefined();

    const before = evaluatePolicy(policies, { detection: oomKilled, recommendation, diagnosis: honest });
    const after = evaluatePolicy(policies, { detection: oomKilled, recommendation, diagnosis: injected });
    const decisive = (v: typeof before) => ({ allowed: v.allowed, recommendedLimit: v.recommendedLimit, clamped: v.clamped, approvers: v.approvers, policyName: v.policyName, autoRemediation: v.autoRemediation });
    expect(decisive(after)).toEqual(decisive(before));
    expect(after.recommendedLimit).toBe('176Mi');
  });

  it('connection refused on a closed port → llm_unreachable', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const dx = await diagnoseIncident({ llm: llm(5_000, closed), logger: silentLogger }, input);
    expect(dx).toMatchObject({ source: 'rule-based', fallbackReason: 'llm_unreachable' });
  });

  it('with the model disabled, answers from rules without any request', async () => {
    const dx = await diagnoseIncident({ llm: undefined, logger: silentLogger }, input);
    expect(dx).toMatchObject({ source: 'rule-based', fallbackReason: 'llm_disabled' });
    expect(dx.latencyMs).toBeUndefined();
    expect(fake().requests).toHaveLength(0);
  });

  it('never throws, even when a client breaks its promise not to', async () => {
    let calls = 0;
    const throwing: LlmClient = {
      model: 'broken',
      chat: async () => {
        calls++;
        throw new Error('socket exploded');
      },
    };
    const dx = await diagnoseIncident({ llm: throwing, logger: silentLogger }, input);
    expect(dx).toMatchObject({ source: 'rule-based', fallbackReason: 'llm_http_error' });
    expect(calls).toBe(1);
  });
});
