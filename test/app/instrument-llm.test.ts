import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/adapters/http/metrics.ts';
import { hasModel, instrumentLlm } from '../../src/app/instrument-llm.ts';
import type { LlmClient } from '../../src/ports.ts';

describe('hasModel', () => {
  it.each([
    [['mistral:latest'], 'mistral', true],
    [['mistral:7b-instruct'], 'mistral', false],
    [['mistral:7b-instruct'], 'mistral:7b-instruct', true],
    [['llama3.1:8b', 'nomic-embed-text:latest'], 'nomic-embed-text', true],
    [[], 'mistral', false],
  ])('%j has %s → %s', (installed, wanted, expected) => {
    expect(hasModel(installed, wanted)).toBe(expected);
  });
});

describe('instrumentLlm', () => {
  it('counts calls by outcome and records latency, passing results through', async () => {
    const results = [
      { ok: true as const, content: '{}', model: 'mistral', latencyMs: 1200 },
      { ok: false as const, code: 'llm_timeout' as const, message: 'timed out', latencyMs: 5000 },
    ];
    const llm: LlmClient = { model: 'mistral', chat: async () => results.shift()! };
    const metrics = createMetrics({ defaultMetrics: false });
    const wrapped = instrumentLlm(llm, metrics);
    expect((await wrapped.chat({ messages: [] })).ok).toBe(true);
    expect(await wrapped.chat({ messages: [] })).toMatchObject({ ok: false, code: 'llm_timeout' });
    const text = await metrics.scrape();
    expect(text).toMatch(/^kube_ai_sre_llm_calls_total\{model="mistral",outcome="ok"\} 1$/m);
    expect(text).toMatch(/^kube_ai_sre_llm_calls_total\{model="mistral",outcome="llm_timeout"\} 1$/m);
    expect(text).toMatch(/^kube_ai_sre_llm_latency_seconds_sum\{model="mistral"\} 6\.2$/m);
  });
});
