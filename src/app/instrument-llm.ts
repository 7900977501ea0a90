// Counts and times every LLM call for /metrics without the adapters knowing about Prometheus.
import type { Metrics } from '../adapters/http/metrics.ts';
import type { LlmClient } from '../ports.ts';

export function instrumentLlm(llm: LlmClient, metrics: Metrics): LlmClient {
  return {
    model: llm.model,
    embed: llm.embed?.bind(llm),
    listModels: llm.listModels?.bind(llm),
    async chat(req) {
      const result = await llm.chat(req);
      metrics.llmCallsTotal.inc({ model: llm.model, outcome: result.ok ? 'ok' : result.code });
      metrics.llmLatencySeconds.observe({ model: llm.model }, result.latencyMs / 1000);
      if (result.ok && result.promptTokens !== undefined) metrics.llmTokensTotal.inc({ model: llm.model, type: 'prompt' }, result.promptTokens);
      if (result.ok && result.completionTokens !== undefined) metrics.llmTokensTotal.inc({ model: llm.model, type: 'completion' }, result.completionTokens);
      return result;
    },
  };
}

/** Ollama names pulled models "mistral:latest"; a configured "mistral" means that one. */
export function hasModel(installed: readonly string[], wanted: string): boolean {
  const base = (name: string) => (name.includes(':') ? name : `${name}:latest`);
  return installed.some((m) => base(m) === base(wanted));
}
