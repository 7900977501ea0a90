// doctor's Ollama checks against the fake Ollama: models present, the chat model or the embedding
// model missing, a slow or hanging model, Ollama down, the LLM turned off. The test call is one
// chat request limited to one output token; nothing is pulled, created or deleted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writePolicy } from '../../support/agent-harness.ts';
import { startFakeOllama, type FakeOllama } from '../../support/fake-ollama.ts';
import { DEFAULT_USER, startFakeSlack, type FakeSlack } from '../../support/fake-slack/index.ts';
import { freePort } from '../../support/test-cluster/free-port.ts';
import { doctor, doctorEnv, unreachableKubeconfig } from './doctor-run.ts';

describe('doctor: Ollama', () => {
  let slack: FakeSlack;
  let ollama: FakeOllama;
  let env: Record<string, string | undefined>;

  beforeAll(async () => {
    slack = await startFakeSlack();
    ollama = await startFakeOllama();
    env = doctorEnv({ slack, ollama, kubeconfig: await unreachableKubeconfig(), policyDir: await writePolicy([DEFAULT_USER.id]) });
  });
  afterAll(async () => {
    await slack?.close();
    await ollama?.close();
  });

  it('passes with both models pulled, timing a one-token chat call', async () => {
    ollama.setModels(['mistral:latest', 'nomic-embed-text:latest']);
    const before = ollama.requests.length;
    const r = await doctor(env);
    expect(r.check('ollama.reachable')).toMatchObject({ status: 'ok', detail: `Ollama 0.12.6 at ${ollama.url}` });
    expect(r.check('ollama.model')).toMatchObject({ status: 'ok', detail: 'mistral is pulled' });
    expect(r.check('ollama.embed-model')).toMatchObject({ status: 'ok', detail: 'nomic-embed-text is pulled' });
    const chat = r.check('ollama.chat');
    expect(chat).toMatchObject({ status: 'ok', detail: expect.stringMatching(/^mistral answered a one-token request in \d+ ms$/) });
    expect(chat.latencyMs).toBeGreaterThanOrEqual(0);
    const requests = ollama.requests.slice(before);
    expect(requests.map((q) => `${q.method} ${q.path}`)).toEqual(['GET /api/version', 'GET /api/tags', 'POST /api/chat']);
    expect(requests[2]!.body).toMatchObject({ model: 'mistral', stream: false, options: { num_predict: 1 } });
  });

  it('names a chat model that is not pulled, with the pull command', async () => {
    ollama.setModels(['nomic-embed-text:latest']);
    try {
      const r = await doctor(env);
      expect(r.check('ollama.model')).toMatchObject({ status: 'fail', detail: 'mistral is not pulled (installed: nomic-embed-text:latest)', fix: 'ollama pull mistral' });
      expect(r.check('ollama.chat')).toMatchObject({ status: 'skip' });
      expect(r.checks.filter((c) => c.status === 'fail' && c.area !== 'kubernetes').map((c) => c.id)).toEqual(['ollama.model']);
    } finally {
      ollama.setModels(['mistral:latest', 'nomic-embed-text:latest']);
    }
  });

  it('warns when the embedding model is missing: only similar incidents are lost', async () => {
    ollama.setModels(['mistral:latest']);
    try {
      const r = await doctor(env);
      expect(r.check('ollama.embed-model')).toMatchObject({ status: 'warn', detail: 'nomic-embed-text is not pulled: similar past incidents are not shown', fix: 'ollama pull nomic-embed-text' });
      expect(r.check('ollama.chat').status).toBe('ok');
    } finally {
      ollama.setModels(['mistral:latest', 'nomic-embed-text:latest']);
    }
  });

  it('names Ollama being down', async () => {
    const r = await doctor({ ...env, OLLAMA_HOST: `http://127.0.0.1:${await freePort()}` });
    expect(r.check('ollama.reachable')).toMatchObject({ status: 'fail', detail: expect.stringMatching(/cannot connect \(ECONNREFUSED\)/), fix: expect.stringContaining('ollama serve') });
    expect(['ollama.model', 'ollama.embed-model', 'ollama.chat'].map((id) => r.check(id).status)).toEqual(['skip', 'skip', 'skip']);
  });

  it('warns when the test call takes over half of OLLAMA_TIMEOUT_MS, and fails when it times out', async () => {
    ollama.enqueue({ kind: 'slow', delayMs: 1_500 });
    const slow = await doctor({ ...env, OLLAMA_TIMEOUT_MS: '2500' });
    expect(slow.check('ollama.chat')).toMatchObject({ status: 'warn', fix: expect.stringContaining('raise OLLAMA_TIMEOUT_MS') });
    expect(slow.check('ollama.chat').latencyMs).toBeGreaterThanOrEqual(1_250);
    ollama.enqueue({ kind: 'hang' });
    const hung = await doctor({ ...env, OLLAMA_TIMEOUT_MS: '1000' });
    expect(hung.check('ollama.chat')).toMatchObject({ status: 'fail', detail: 'mistral: no answer within 1000 ms', fix: expect.stringContaining('raise it') });
  });

  it('says the LLM is off when LLM_ENABLED=false, and asks Ollama nothing', async () => {
    const before = ollama.requests.length;
    const r = await doctor({ ...env, LLM_ENABLED: 'false' });
    expect(r.checks.filter((c) => c.area === 'ollama')).toEqual([expect.objectContaining({ id: 'ollama.reachable', status: 'skip', detail: 'LLM_ENABLED=false: diagnoses are rule-based' })]);
    expect(ollama.requests.length).toBe(before);
  });
});
