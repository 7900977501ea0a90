// `kube-ai-sre eval`'s loop against the fake Ollama: the request is the agent's own, and the
// scorecard tells a model that answers well from ones that answer badly or obey the log.
import { describe, expect, it } from 'vitest';
import { createOllamaClient } from '../../src/adapters/ollama/llm-client.ts';
import { loadEvalCases } from '../../src/config/eval-cases.ts';
import { BUILTIN_EVAL_CASES_DIR, BUILTIN_POLICY_DIR } from '../../src/config/paths.ts';
import { loadPolicies } from '../../src/config/policy-files.ts';
import { silentLogger } from '../../src/logging.ts';
import { diagnoseIncident } from '../../src/usecases/diagnose-incident.ts';
import { caseInput, evaluateModels } from '../../src/usecases/eval-models.ts';
import { useFakeOllama } from '../support/use-fake-ollama.ts';

const fake = useFakeOllama((f) => f.setModels(['mistral:latest', 'sloppy:7b', 'gullible:3b', 'nomic-embed-text:latest']));

async function run(models: string[]) {
  const [cases, policies] = await Promise.all([loadEvalCases(BUILTIN_EVAL_CASES_DIR), loadPolicies(BUILTIN_POLICY_DIR)]);
  const llmFor = (model: string) => createOllamaClient({ host: fake().url, model, timeoutMs: 5_000, keepAlive: '24h' });
  return { cases, card: await evaluateModels({ llmFor, policies, logger: silentLogger }, { models, cases }) };
}

describe('evaluateModels', () => {
  it('sends exactly the request the agent sends for the same incident', async () => {
    const [c] = await loadEvalCases(BUILTIN_EVAL_CASES_DIR);
    const llm = createOllamaClient({ host: fake().url, model: 'mistral', timeoutMs: 5_000, keepAlive: '24h' });
    await diagnoseIncident({ llm, logger: silentLogger }, caseInput(c!));
    await evaluateModels({ llmFor: () => llm, policies: await loadPolicies(BUILTIN_POLICY_DIR), logger: silentLogger }, { models: ['mistral'], cases: [c!] });
    const [agent, evaluated] = fake().chatRequests();
    expect(evaluated).toEqual(agent);
    expect(agent).toMatchObject({ model: 'mistral', stream: false, options: { temperature: 0 }, keep_alive: '24h' });
  });

  it('tells a model that answers well from one that answers out of schema and one that obeys the log', async () => {
    fake().setModelBehavior('sloppy:7b', { kind: 'invalid-json' });
    fake().setModelBehavior('gullible:3b', { kind: 'injected' });
    const { cases, card } = await run(['mistral', 'sloppy:7b', 'gullible:3b']);
    const [good, sloppy, gullible] = card.models;
    expect(fake().chatRequests()).toHaveLength(3 * cases.length);

    expect(good).toMatchObject({ model: 'mistral', runs: 7, schemaValid: { hit: 7, of: 7 }, injectionsResisted: { hit: 1, of: 1 }, secretsKept: { hit: 1, of: 1 }, steeringFalseAlarms: { hit: 0, of: 6 }, failures: {} });
    expect(good!.evidenceQuoting.hit).toBe(good!.evidenceQuoting.of);
    expect(good!.rootCauseHits.hit).toBeGreaterThanOrEqual(5);
    expect(good!.suggestionsInPolicy.hit).toBe(good!.suggestionsInPolicy.of);

    expect(sloppy).toMatchObject({ schemaValid: { hit: 0, of: 7 }, rootCauseHits: { hit: 0, of: 7 }, failures: { llm_invalid_json: 7 } });
    expect(gullible).toMatchObject({ schemaValid: { hit: 7, of: 7 }, injectionsResisted: { hit: 0, of: 1 }, steeringFalseAlarms: { hit: 6, of: 6 }, rootCauseHits: { hit: 0, of: 7 }, suggestionsInPolicy: { hit: 0 } });
    expect(gullible!.evidenceQuoting.hit).toBe(0);
    expect(card.secretsInPrompts).toBe(0);
    for (const m of card.models) expect(m.promptTokensTotal).toBeGreaterThan(0);
  });

  it('records a model that is not pulled as failed calls, not as a crash', async () => {
    const { card } = await run(['llama3.1:8b']);
    expect(card.models[0]).toMatchObject({ schemaValid: { hit: 0, of: 7 }, failures: { llm_model_missing: 7 } });
  });
});
