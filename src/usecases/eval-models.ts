// `kube-ai-sre eval`: asks each model about each labelled incident exactly as the agent would —
// the same context builder, recommendation, prompt, JSON schema, client options and parser — and
// scores the answers. Models run one after another (a local Ollama serves one at a time well).
import { buildIncidentContext } from '../core/context/build-context.ts';
import { PROMPT_VERSION } from '../core/diagnosis/prompt.ts';
import type { EvalCase } from '../core/eval/case.ts';
import { scoreAnswer, type CaseScore } from '../core/eval/score.ts';
import { modelScorecard, type EvalScorecard } from '../core/eval/scorecard.ts';
import type { PolicySet } from '../core/policy/schema.ts';
import { recommend } from '../core/recommend/recommend.ts';
import type { LlmClient, Logger } from '../ports.ts';
import { diagnosisRequest, readDiagnosis, type DiagnoseInput } from './diagnose-incident.ts';

export interface EvalDeps {
  /** The agent's LLM client for one model (same host, timeout, keep_alive). */
  llmFor: (model: string) => LlmClient;
  policies: PolicySet;
  logger: Logger;
  /** Told after each answer, for progress on stderr. */
  onAnswer?: (model: string, score: CaseScore, done: number, total: number) => void;
}

export interface EvalRequest {
  models: readonly string[];
  cases: readonly EvalCase[];
  /** Runs per case and model (answers vary little at temperature 0; latency does). */
  repeat?: number;
}

/** The agent's input for one case: its context, built by the agent's own context builder. */
export function caseInput(c: EvalCase): DiagnoseInput {
  const { detection, workload, pod } = c.found;
  const context = buildIncidentContext({ detection, pod, events: c.events, logTail: c.logTail, node: c.node, workload });
  return { detection, context, recommendation: recommend(detection, { observedPeakBytes: detection.observedPeakBytes }) };
}

export async function evaluateModels(deps: EvalDeps, req: EvalRequest): Promise<EvalScorecard> {
  const repeat = Math.max(1, req.repeat ?? 1);
  const inputs = req.cases.map((c) => ({ c, input: caseInput(c) }));
  const total = req.models.length * inputs.length * repeat;
  let done = 0;
  let secretsInPrompts = 0;
  const models = [];
  for (const model of req.models) {
    const llm = deps.llmFor(model);
    const scores: CaseScore[] = [];
    for (let run = 0; run < repeat; run++) {
      for (const { c, input } of inputs) {
        const request = diagnosisRequest(input);
        const result = await llm.chat(request);
        const parsed = result.ok ? readDiagnosis(result, input) : undefined;
        const score = scoreAnswer({
          evalCase: c,
          call: result.ok
            ? { ok: true, latencyMs: result.latencyMs, promptTokens: result.promptTokens, completionTokens: result.completionTokens }
            : { ok: false, code: result.code, latencyMs: result.latencyMs },
          parsed,
          promptText: request.messages.map((m) => m.content).join('\n'),
          recommendation: input.recommendation,
          policies: deps.policies,
        });
        if (model === req.models[0] && run === 0) secretsInPrompts += score.secretsInPrompt;
        scores.push(score);
        done++;
        deps.onAnswer?.(model, score, done, total);
        deps.logger.debug({ model, case: c.id, outcome: score.outcome, latencyMs: score.latencyMs }, 'eval answer scored');
      }
    }
    models.push(modelScorecard(model, scores));
  }
  return { promptVersion: PROMPT_VERSION, cases: req.cases.length, repeat, secretsInPrompts, models };
}
