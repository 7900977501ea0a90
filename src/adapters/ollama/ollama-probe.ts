// `doctor`'s questions to Ollama: its version, the installed models, and one chat call limited to
// a single output token (loads the model and times a real answer). Pulls, deletes and creates
// nothing. Failures are AppErrors with the llm_* codes the LLM client uses.
import { Ollama } from 'ollama';
import { AppError } from '../../core/errors.ts';
import type { OllamaProbe } from '../../usecases/doctor/probes.ts';
import { classify } from './llm-client.ts';

/** Version and model list answer at once from a healthy server. */
const QUICK_TIMEOUT_MS = 5_000;

export function createOllamaProbe(host: string): OllamaProbe {
  async function call<T>(timeoutMs: number, fn: (client: Ollama) => Promise<T>): Promise<{ value: T; latencyMs: number }> {
    const signal = AbortSignal.timeout(timeoutMs);
    const client = new Ollama({ host, fetch: (input, init) => fetch(input, { ...init, signal }) });
    const started = performance.now();
    try {
      const value = await fn(client);
      return { value, latencyMs: Math.round(performance.now() - started) };
    } catch (err) {
      const { code, message } = classify(err, signal, timeoutMs);
      throw new AppError(code, message, { host }, { cause: err });
    }
  }

  return {
    host,
    async version() {
      const { value } = await call(QUICK_TIMEOUT_MS, (c) => c.version());
      return typeof value?.version === 'string' ? value.version : 'unknown';
    },
    async models() {
      const { value } = await call(QUICK_TIMEOUT_MS, (c) => c.list());
      const models: unknown = value?.models;
      if (!Array.isArray(models)) throw new AppError('llm_http_error', 'ollama /api/tags response has no models list', { host });
      return models.map((m: { name?: unknown }) => m?.name).filter((n): n is string => typeof n === 'string');
    },
    async oneToken(model, timeoutMs) {
      const { value, latencyMs } = await call(timeoutMs, (c) => c.chat({
        model,
        messages: [{ role: 'user', content: 'Reply with the single word: ready' }],
        stream: false,
        options: { num_predict: 1, temperature: 0 },
      }));
      if (typeof value?.message?.content !== 'string') throw new AppError('llm_http_error', 'ollama chat response has no message content', { host });
      return { latencyMs };
    },
  };
}
