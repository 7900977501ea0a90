import { describe, expect, it } from 'vitest';
import { createOllamaClient } from '../../../src/adapters/ollama/llm-client.ts';
import { LLM_DIAGNOSIS_JSON_SCHEMA } from '../../../src/core/diagnosis/schema.ts';
import type { LlmRequest } from '../../../src/ports.ts';
import { silentLogger } from '../../../src/logging.ts';
import { INJECTED_REPLY } from '../../support/fake-ollama.ts';
import type { FakeOllamaBehavior } from '../../support/fake-ollama.ts';
import { freePort } from '../../support/test-cluster/free-port.ts';
import { useFakeOllama } from '../../support/use-fake-ollama.ts';

// Short enough to keep the hang/slow cases quick; the fake's delays are far longer.
const SHORT_TIMEOUT_MS = 300;

const fake = useFakeOllama((f) => f.setModels(['mistral:latest', 'nomic-embed-text:latest']));

const request: LlmRequest = {
  messages: [
    { role: 'system', content: 'Diagnose the memory incident. Answer in JSON.' },
    { role: 'user', content: 'container app: lastState.terminated reason=OOMKilled exitCode=137' },
  ],
  format: LLM_DIAGNOSIS_JSON_SCHEMA,
};

function client(timeoutMs = 10_000, host = fake().url, model = 'mistral') {
  return createOllamaClient({ host, model, timeoutMs, embedModel: 'nomic-embed-text', logger: silentLogger });
}

describe('createOllamaClient chat', () => {
  it('sends one non-streaming, temperature-0 chat with the JSON schema as format', async () => {
    const r = await client().chat(request);
    expect(r).toMatchObject({ ok: true, model: 'mistral' });
    expect(r.ok && JSON.parse(r.content)).toMatchObject({ evidence: ['container app: lastState.terminated reason=OOMKilled exitCode=137'] });
    expect(r.latencyMs).toBeGreaterThanOrEqual(0);
    expect(fake().requests.map((q) => `${q.method} ${q.path}`)).toEqual(['POST /api/chat']);
    expect(fake().chatRequests()[0]).toEqual({
      model: 'mistral',
      messages: request.messages,
      format: LLM_DIAGNOSIS_JSON_SCHEMA,
      stream: false,
      options: { temperature: 0 },
    });
  });

  it('sends keep_alive on every chat and embed call and returns the token counts Ollama reports', async () => {
    const c = createOllamaClient({ host: fake().url, model: 'mistral', timeoutMs: 10_000, embedModel: 'nomic-embed-text', keepAlive: '24h' });
    const r = await c.chat(request);
    await c.embed(['a summary']);
    expect(fake().requests.map((q) => (q.body as { keep_alive?: unknown }).keep_alive)).toEqual(['24h', '24h']);
    const chars = request.messages.reduce((n, m) => n + m.content.length, 0);
    expect(r).toMatchObject({ ok: true, promptTokens: Math.ceil(chars / 4), completionTokens: expect.any(Number) });
    // "-1" keeps the model loaded: Ollama wants that as a number, not a duration string.
    await createOllamaClient({ host: fake().url, model: 'mistral', timeoutMs: 10_000, keepAlive: '-1' }).chat(request);
    expect((fake().chatRequests().at(-1) as { keep_alive?: unknown }).keep_alive).toBe(-1);
  });

  it('passes bad content through untouched: judging it is the parser’s job', async () => {
    fake().setBehavior({ kind: 'injected' });
    const r = await client().chat(request);
    expect(r.ok && JSON.parse(r.content)).toEqual(INJECTED_REPLY);
    fake().setBehavior({ kind: 'invalid-json' });
    const bad = await client().chat(request);
    expect(bad.ok && (() => JSON.parse(bad.content))).toThrow(SyntaxError);
  });

  it.each<{ name: string; behavior: FakeOllamaBehavior; code: string; message: RegExp }>([
    { name: 'slow beyond the timeout', behavior: { kind: 'slow', delayMs: 60_000 }, code: 'llm_timeout', message: /no answer within 300 ms/ },
    { name: 'hang', behavior: { kind: 'hang' }, code: 'llm_timeout', message: /no answer within 300 ms/ },
    { name: 'closed connection', behavior: { kind: 'close' }, code: 'llm_unreachable', message: /connection failed/ },
    { name: 'HTTP 500', behavior: { kind: 'http-error', status: 500 }, code: 'llm_http_error', message: /^HTTP 500: llama runner process has terminated/ },
    { name: 'HTTP 503', behavior: { kind: 'http-error', status: 503, error: 'server busy' }, code: 'llm_http_error', message: /^HTTP 503: server busy$/ },
    { name: 'model not found', behavior: { kind: 'model-missing' }, code: 'llm_model_missing', message: /model "mistral" not found/ },
  ])('$name → $code after exactly one request', async ({ behavior, code, message }) => {
    fake().setBehavior(behavior);
    const r = await client(SHORT_TIMEOUT_MS).chat(request);
    expect(r).toMatchObject({ ok: false, code });
    expect(!r.ok && r.message).toMatch(message);
    expect(fake().chatRequests()).toHaveLength(1);
  });

  it('maps a model that is not installed to llm_model_missing', async () => {
    const r = await client(10_000, fake().url, 'llama3.1:8b').chat(request);
    expect(r).toMatchObject({ ok: false, code: 'llm_model_missing' });
  });

  it('honours a per-request timeout over the default', async () => {
    fake().setBehavior({ kind: 'hang' });
    const r = await client(600_000).chat({ ...request, timeoutMs: SHORT_TIMEOUT_MS });
    expect(r).toMatchObject({ ok: false, code: 'llm_timeout' });
  });

  it('answers after a delay that fits the timeout', async () => {
    fake().setBehavior({ kind: 'slow', delayMs: 50 });
    expect(await client(30_000).chat(request)).toMatchObject({ ok: true });
  });

  it('maps connection refused on a closed port to llm_unreachable', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const r = await client(5_000, closed).chat(request);
    expect(r).toMatchObject({ ok: false, code: 'llm_unreachable' });
    expect(!r.ok && r.message).toMatch(/ECONNREFUSED/);
  });

  it('uses queued behaviours once each, then the default', async () => {
    fake().enqueue({ kind: 'http-error', status: 500 }, { kind: 'model-missing' });
    const codes = [];
    for (let i = 0; i < 3; i++) {
      const r = await client().chat(request);
      codes.push(r.ok ? 'ok' : r.code);
    }
    expect(codes).toEqual(['llm_http_error', 'llm_model_missing', 'ok']);
  });
});

describe('createOllamaClient embed and listModels', () => {
  it('embeds with the embedding model; similar texts are closer than unrelated ones', async () => {
    const r = await client().embed([
      'container app OOMKilled exit code 137 memory limit 64Mi',
      'container api OOMKilled exit code 137 memory limit 128Mi',
      'certificate expired for ingress tls secret',
    ]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.model).toBe('nomic-embed-text');
    expect(fake().requests.at(-1)?.body).toEqual({ model: 'nomic-embed-text', input: expect.any(Array) });
    const [a, b, c] = r.embeddings as [number[], number[], number[]];
    const dot = (x: number[], y: number[]) => x.reduce((s, v, i) => s + v * (y[i] ?? 0), 0);
    expect(dot(a, b)).toBeGreaterThan(dot(a, c));
  });

  it('reports embed failures with codes', async () => {
    fake().setModels(['mistral:latest']);
    expect(await client().embed(['x'])).toMatchObject({ ok: false, code: 'llm_model_missing' });
  });

  it('lists installed models, and says when the server is unreachable', async () => {
    expect(await client().listModels()).toEqual({ ok: true, models: ['mistral:latest', 'nomic-embed-text:latest'] });
    const closed = `http://127.0.0.1:${await freePort()}`;
    expect(await client(5_000, closed).listModels()).toMatchObject({ ok: false, code: 'llm_unreachable' });
  });
});
