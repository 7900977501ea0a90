import { describe, expect, it } from 'vitest';
import { LLM_DIAGNOSIS_JSON_SCHEMA, LlmDiagnosisReplySchema } from '../../../src/core/diagnosis/schema.ts';

describe('LLM_DIAGNOSIS_JSON_SCHEMA', () => {
  it('is the JSON schema of the reply schema, ready for Ollama format', () => {
    expect(LLM_DIAGNOSIS_JSON_SCHEMA).toMatchObject({
      type: 'object',
      required: ['rootCauses', 'explanation', 'confidence', 'evidence'],
      properties: { confidence: { type: 'number', minimum: 0, maximum: 1 }, recommendedMemoryLimit: { type: 'string' } },
    });
    expect(LLM_DIAGNOSIS_JSON_SCHEMA).not.toHaveProperty('$schema');
    expect(Object.keys(LLM_DIAGNOSIS_JSON_SCHEMA.properties as object).sort()).toEqual(
      Object.keys(LlmDiagnosisReplySchema.shape).sort(),
    );
  });
});
