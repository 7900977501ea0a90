// Asks the model once for a diagnosis and falls back to the rule-based one on any failure
// (or when the model is disabled). Never throws: a diagnosis always comes back.
import { ruleBasedDiagnosis } from '../core/diagnosis/fallback.ts';
import type { FallbackReason } from '../core/diagnosis/fallback.ts';
import { parseDiagnosis } from '../core/diagnosis/parse.ts';
import { buildDiagnosisMessages } from '../core/diagnosis/prompt.ts';
import { LLM_DIAGNOSIS_JSON_SCHEMA } from '../core/diagnosis/schema.ts';
import type { Detection, Diagnosis, Recommendation } from '../core/model.ts';
import { toBytes } from '../core/quantity.ts';
import type { LlmClient, LlmRequest, LlmResult, Logger } from '../ports.ts';

export interface DiagnoseDeps {
  /** Undefined when the model is disabled (`--no-llm`, LLM_ENABLED=false). */
  llm: LlmClient | undefined;
  logger: Logger;
}

export interface DiagnoseInput {
  detection: Detection;
  context: { text: string; statusLines: string[]; eventLines: string[]; logLines: string[] };
  recommendation: Recommendation;
  similar?: string[];
}

/** The one chat request a diagnosis makes: the agent sends it, `kube-ai-sre eval` sends the same. */
export function diagnosisRequest(input: DiagnoseInput): LlmRequest {
  const messages = buildDiagnosisMessages({ contextText: input.context.text, recommendation: input.recommendation, similar: input.similar, kind: input.detection.kind });
  return { messages, format: LLM_DIAGNOSIS_JSON_SCHEMA };
}

/** Reads a model's answer to diagnosisRequest the way the agent does. */
export function readDiagnosis(result: Extract<LlmResult, { ok: true }>, input: DiagnoseInput) {
  return parseDiagnosis(result.content, {
    model: result.model,
    latencyMs: result.latencyMs,
    contextText: input.context.text,
    currentLimitBytes: input.detection.memoryLimit ? toBytes(input.detection.memoryLimit) : undefined,
    promptTokens: result.promptTokens,
    completionTokens: result.completionTokens,
  });
}

export async function diagnoseIncident(deps: DiagnoseDeps, input: DiagnoseInput): Promise<Diagnosis> {
  const { detection, context } = input;
  const fallback = (reason: FallbackReason, latencyMs?: number): Diagnosis => ({
    ...ruleBasedDiagnosis(detection, context, reason),
    ...(latencyMs !== undefined ? { latencyMs } : {}),
  });
  if (deps.llm === undefined) return fallback('llm_disabled');

  const llm = deps.llm;
  try {
    const result = await llm.chat(diagnosisRequest(input));
    if (!result.ok) {
      deps.logger.warn({ code: result.code, latencyMs: result.latencyMs }, `LLM diagnosis unavailable, using rules: ${result.message}`);
      return fallback(result.code, result.latencyMs);
    }
    const parsed = readDiagnosis(result, input);
    if (!parsed.ok) {
      deps.logger.warn({ code: parsed.code, model: result.model }, `LLM answer discarded, using rules: ${parsed.message}`);
      return fallback(parsed.code, result.latencyMs);
    }
    if (parsed.diagnosis.steering) {
      deps.logger.warn({ model: result.model, steering: parsed.diagnosis.steering }, 'the LLM answer tried to steer the decision: confidence capped, message flagged');
    }
    deps.logger.info(
      { model: result.model, latencyMs: result.latencyMs, confidence: parsed.diagnosis.confidence, evidence: parsed.diagnosis.evidence.length, promptTokens: result.promptTokens, completionTokens: result.completionTokens },
      'LLM diagnosis ready',
    );
    return parsed.diagnosis;
  } catch (err) {
    // The port promises not to throw; a client that does anyway must not take the report down.
    deps.logger.error({ err: err instanceof Error ? err.message : String(err) }, 'LLM client threw; using rules');
    return fallback('llm_http_error');
  }
}
