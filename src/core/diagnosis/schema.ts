// The shape the model must answer in. The same zod schema produces the JSON schema sent as
// Ollama's `format` and validates the reply, so the two cannot drift apart.
import { z } from 'zod';

export const LlmDiagnosisReplySchema = z.object({
  rootCauses: z.array(z.string()).min(1),
  explanation: z.string(),
  /** 0..1 */
  confidence: z.number().min(0).max(1),
  /** Lines quoted verbatim from the context. */
  evidence: z.array(z.string()),
  /** The model's own memory limit suggestion, e.g. "512Mi"; shown beside the deterministic one. */
  recommendedMemoryLimit: z.string().optional(),
});

export type LlmDiagnosisReply = z.infer<typeof LlmDiagnosisReplySchema>;

/** JSON schema for Ollama's structured output (`format`). */
export const LLM_DIAGNOSIS_JSON_SCHEMA: Record<string, unknown> = (() => {
  const { $schema: _ignored, ...schema } = z.toJSONSchema(LlmDiagnosisReplySchema) as Record<string, unknown>;
  return schema;
})();
