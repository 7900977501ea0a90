// LlmClient over the `ollama` package. One request per call, bounded by an abort timeout, and
// never throws: transport, HTTP and protocol failures come back as stable llm_* codes.
import { Ollama } from 'ollama';
import type { ErrorCode } from '../../core/errors.ts';
import type { EmbedResult, LlmClient, LlmRequest, LlmResult, Logger, ModelListResult } from '../../ports.ts';

export interface OllamaClientOptions {
  /** Base URL, e.g. http://127.0.0.1:11434 */
  host: string;
  /** Chat model, e.g. "mistral". */
  model: string;
  /** Default per-call timeout; LlmRequest.timeoutMs overrides it for one call. */
  timeoutMs: number;
  /** Embedding model for embed(); defaults to the chat model. */
  embedModel?: string;
  /**
   * How long Ollama keeps the model loaded after each call ("24h", "30m", "-1" forever), sent with
   * every chat and embed call; Ollama's own default (5 minutes) when undefined.
   */
  keepAlive?: string | undefined;
  logger?: Logger;
}

/** Readiness probes must answer quickly even when chat calls are allowed minutes. */
const LIST_TIMEOUT_CAP_MS = 5_000;

/** Embedding a short summary is fast when the model is there; waiting longer only delays reports. */
export const EMBED_TIMEOUT_MS = 10_000;

export type OllamaLlmClient = LlmClient & Required<Pick<LlmClient, 'embed' | 'listModels'>>;

/** Deterministic answers: the same incident gets the same diagnosis, and evaluations compare models, not dice. */
export const CHAT_OPTIONS = { temperature: 0 } as const;

export function createOllamaClient(opts: OllamaClientOptions): OllamaLlmClient {
  const embedModel = opts.embedModel ?? opts.model;
  const keepAlive = opts.keepAlive !== undefined ? { keep_alive: keepAliveValue(opts.keepAlive) } : {};
  const log = opts.logger?.child({ component: 'ollama', host: opts.host });

  // A fresh SDK client per call, its fetch bound to this call's abort signal: the SDK does not
  // take a signal for non-streaming requests.
  async function withClient<T>(timeoutMs: number, fn: (client: Ollama) => Promise<T>): Promise<Outcome<T>> {
    const signal = AbortSignal.timeout(timeoutMs);
    const client = new Ollama({
      host: opts.host,
      fetch: (input, init) => fetch(input, { ...init, signal }),
    });
    const started = performance.now();
    try {
      const value = await fn(client);
      return { ok: true, value, latencyMs: Math.round(performance.now() - started) };
    } catch (err) {
      const latencyMs = Math.round(performance.now() - started);
      const failure = classify(err, signal, timeoutMs);
      return { ok: false, ...failure, latencyMs };
    }
  }

  return {
    model: opts.model,

    async chat(req: LlmRequest): Promise<LlmResult> {
      const timeoutMs = req.timeoutMs ?? opts.timeoutMs;
      const out = await withClient(timeoutMs, (client) =>
        client.chat({
          model: opts.model,
          messages: req.messages.map((m) => ({ role: m.role, content: m.content })),
          ...(req.format !== undefined ? { format: req.format } : {}),
          ...keepAlive,
          stream: false,
          options: CHAT_OPTIONS,
        }),
      );
      if (!out.ok) {
        log?.warn({ code: out.code, latencyMs: out.latencyMs, model: opts.model }, `ollama chat failed: ${out.message}`);
        return out;
      }
      const content: unknown = out.value?.message?.content;
      if (typeof content !== 'string') {
        const message = 'ollama chat response has no message content';
        log?.warn({ code: 'llm_http_error', latencyMs: out.latencyMs }, message);
        return { ok: false, code: 'llm_http_error', message, latencyMs: out.latencyMs };
      }
      const model = typeof out.value.model === 'string' && out.value.model !== '' ? out.value.model : opts.model;
      const tokens = {
        ...(isCount(out.value.prompt_eval_count) ? { promptTokens: out.value.prompt_eval_count } : {}),
        ...(isCount(out.value.eval_count) ? { completionTokens: out.value.eval_count } : {}),
      };
      log?.debug({ model, latencyMs: out.latencyMs, chars: content.length, ...tokens }, 'ollama chat answered');
      return { ok: true, content, model, latencyMs: out.latencyMs, ...tokens };
    },

    async embed(input: string[]): Promise<EmbedResult> {
      // Embeddings only enrich a report: never let them hold an analysis for a chat-sized timeout.
      const out = await withClient(Math.min(opts.timeoutMs, EMBED_TIMEOUT_MS), (client) => client.embed({ model: embedModel, input, ...keepAlive }));
      if (!out.ok) {
        log?.warn({ code: out.code, latencyMs: out.latencyMs, model: embedModel }, `ollama embed failed: ${out.message}`);
        return out;
      }
      const embeddings: unknown = out.value?.embeddings;
      if (!isVectorList(embeddings, input.length)) {
        const message = `ollama embed response does not hold ${input.length} numeric vectors`;
        return { ok: false, code: 'llm_http_error', message, latencyMs: out.latencyMs };
      }
      return { ok: true, embeddings, model: embedModel, latencyMs: out.latencyMs };
    },

    async listModels(): Promise<ModelListResult> {
      const out = await withClient(Math.min(opts.timeoutMs, LIST_TIMEOUT_CAP_MS), (client) => client.list());
      if (!out.ok) return { ok: false, code: out.code, message: out.message };
      const models: unknown = out.value?.models;
      if (!Array.isArray(models)) return { ok: false, code: 'llm_http_error', message: 'ollama /api/tags response has no models list' };
      return { ok: true, models: models.map((m: { name?: unknown }) => m?.name).filter((n): n is string => typeof n === 'string') };
    },
  };
}

type Outcome<T> = { ok: true; value: T; latencyMs: number } | { ok: false; code: ErrorCode; message: string; latencyMs: number };

const CONNECT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);

/** Maps an SDK or fetch failure to a stable llm_* code and one line of message. */
export function classify(err: unknown, signal: AbortSignal, timeoutMs: number): { code: ErrorCode; message: string } {
  if (signal.aborted) return { code: 'llm_timeout', message: `no answer within ${timeoutMs} ms` };
  const e = err as { name?: unknown; message?: unknown; status_code?: unknown; error?: unknown; cause?: unknown };
  if (e?.name === 'ResponseError' && typeof e.status_code === 'number') {
    const text = typeof e.error === 'string' ? e.error : String(e.message);
    // Ollama answers 404 with `model "x" not found, try pulling it first`.
    if (e.status_code === 404 && /model/i.test(text)) return { code: 'llm_model_missing', message: `HTTP 404: ${text}` };
    return { code: 'llm_http_error', message: `HTTP ${e.status_code}: ${text}` };
  }
  if (err instanceof TypeError && err.message === 'fetch failed') {
    // Both "nothing listens" (refused, unresolvable) and "broke off mid-answer" (reset, closed)
    // leave no answer to use; the message tells an operator which one it was.
    const code = causeCode(e.cause);
    const detail = code ?? (e.cause instanceof Error ? e.cause.message : 'network error');
    const what = CONNECT_CODES.has(code ?? '') ? 'cannot connect' : 'connection failed';
    return { code: 'llm_unreachable', message: `${what} (${detail})` };
  }
  if (err instanceof SyntaxError) return { code: 'llm_http_error', message: `response is not JSON: ${err.message}` };
  return { code: 'llm_http_error', message: err instanceof Error ? err.message : String(err) };
}

function causeCode(cause: unknown): string | undefined {
  const c = cause as { code?: unknown; errors?: Array<{ code?: unknown }> } | undefined;
  if (typeof c?.code === 'string') return c.code;
  const inner = c?.errors?.find((x) => typeof x?.code === 'string')?.code;
  return typeof inner === 'string' ? inner : undefined;
}

/** Ollama reads a bare number as seconds (negative: keep loaded) and a string as a Go duration ("24h"). */
export function keepAliveValue(text: string): string | number {
  return /^-?\d+$/.test(text.trim()) ? Number(text.trim()) : text.trim();
}

function isCount(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 0;
}

function isVectorList(v: unknown, n: number): v is number[][] {
  return Array.isArray(v) && v.length === n && v.every((row) => Array.isArray(row) && row.every((x) => typeof x === 'number'));
}
