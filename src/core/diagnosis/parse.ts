// Turns the model's raw reply into a Diagnosis. The reply is untrusted: it is validated with the
// same schema that was sent as `format`, trimmed to sane sizes, its evidence is checked against
// the context it claims to quote, and absurd limit suggestions are dropped.
import type { Diagnosis } from '../model.ts';
import { GIBIBYTE, MEBIBYTE, toBytes } from '../quantity.ts';
import { PROMPT_VERSION } from './prompt.ts';
import { LlmDiagnosisReplySchema, type LlmDiagnosisReply } from './schema.ts';
import { STEERING_CONFIDENCE_CAP, findSteering } from './steering.ts';

export const PARSE_LIMITS = {
  rootCauses: 5,
  rootCauseChars: 300,
  explanationChars: 1500,
  evidence: 8,
  evidenceChars: 300,
  /** Evidence shorter than this proves nothing ("OOM" appears everywhere). */
  minEvidenceChars: 8,
  /** Confidence ceiling when none of the quoted evidence is in the context. */
  unsupportedConfidence: 0.3,
  /** Suggestions outside this range are treated as nonsense and dropped. */
  minSuggestedBytes: 4 * MEBIBYTE,
  maxSuggestedBytes: 256 * GIBIBYTE,
} as const;

export interface ParseMeta {
  model: string;
  latencyMs: number;
  /** The exact context text the model was shown; evidence must come from it. */
  contextText: string;
  /** The container's memory limit, when it has one: a suggestion far above it is absurd. */
  currentLimitBytes?: number | undefined;
  /** Token counts the server reported for this call. */
  promptTokens?: number | undefined;
  completionTokens?: number | undefined;
}

export type ParseResult =
  /** `reply` is the answer as the model gave it (schema-checked, before trimming and checks). */
  | { ok: true; diagnosis: Diagnosis; reply: LlmDiagnosisReply }
  | { ok: false; code: 'llm_invalid_json' | 'llm_schema_mismatch'; message: string };

export function parseDiagnosis(content: string, meta: ParseMeta): ParseResult {
  let raw: unknown;
  try {
    raw = JSON.parse(stripFence(content));
  } catch (err) {
    return { ok: false, code: 'llm_invalid_json', message: `reply is not JSON: ${(err as Error).message}` };
  }
  const parsed = LlmDiagnosisReplySchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(reply)'}: ${i.message}`);
    return { ok: false, code: 'llm_schema_mismatch', message: `reply does not match the schema: ${issues.join('; ')}` };
  }
  const reply = parsed.data;

  const rootCauses = reply.rootCauses.map((s) => clip(s, PARSE_LIMITS.rootCauseChars)).filter((s) => s !== '').slice(0, PARSE_LIMITS.rootCauses);
  if (rootCauses.length === 0) {
    return { ok: false, code: 'llm_schema_mismatch', message: 'reply does not match the schema: rootCauses: all entries are empty' };
  }
  let explanation = clip(reply.explanation, PARSE_LIMITS.explanationChars);
  let confidence = reply.confidence;

  const haystack = normalise(meta.contextText);
  const quoted = reply.evidence.map(unquote).filter((s) => s !== '');
  const evidence = unique(
    quoted.filter((s) => s.length >= PARSE_LIMITS.minEvidenceChars && haystack.includes(normalise(s))),
  )
    .map((s) => clip(s, PARSE_LIMITS.evidenceChars))
    .slice(0, PARSE_LIMITS.evidence);
  if (evidence.length === 0 && confidence > PARSE_LIMITS.unsupportedConfidence) {
    const why = quoted.length === 0 ? 'quoted no evidence' : 'quoted no line that appears in the context';
    explanation = appendNote(
      explanation,
      `(Confidence lowered from ${confidence} to ${PARSE_LIMITS.unsupportedConfidence}: the model ${why}.)`,
    );
    confidence = PARSE_LIMITS.unsupportedConfidence;
  }

  // Text that tries to steer the decision: confidence capped, flagged for the message and metrics.
  const steering = findSteering({
    texts: [...reply.rootCauses, reply.explanation],
    inventedEvidence: quoted.filter((s) => !haystack.includes(normalise(s))),
    suggestedLimit: reply.recommendedMemoryLimit,
    currentLimitBytes: meta.currentLimitBytes,
  });
  if (steering.length > 0 && confidence > STEERING_CONFIDENCE_CAP) confidence = STEERING_CONFIDENCE_CAP;

  const suggestedLimit = saneLimit(reply.recommendedMemoryLimit);
  const diagnosis: Diagnosis = {
    source: 'llm',
    model: meta.model,
    promptVersion: PROMPT_VERSION,
    rootCauses,
    explanation,
    confidence,
    evidence,
    latencyMs: meta.latencyMs,
    ...(suggestedLimit !== undefined ? { suggestedLimit } : {}),
    ...(steering.length > 0 ? { steering } : {}),
    ...(meta.promptTokens !== undefined ? { promptTokens: meta.promptTokens } : {}),
    ...(meta.completionTokens !== undefined ? { completionTokens: meta.completionTokens } : {}),
  };
  return { ok: true, diagnosis, reply };
}

// Models sometimes wrap JSON in a Markdown fence despite structured output.
function stripFence(content: string): string {
  const t = content.trim();
  const m = /^```(?:json)?\s*\n([\s\S]*?)\n?```$/i.exec(t);
  return m?.[1] ?? t;
}

function saneLimit(s: string | undefined): string | undefined {
  if (s === undefined) return undefined;
  const q = s.trim();
  const bytes = toBytes(q);
  if (bytes === undefined) return undefined;
  if (bytes < PARSE_LIMITS.minSuggestedBytes || bytes > PARSE_LIMITS.maxSuggestedBytes) return undefined;
  return q;
}

// Control characters (other than newline/tab) have no place in text shown to people.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/g;

function clip(s: string, max: number): string {
  const t = s.replace(CONTROL, '').trim();
  return t.length <= max ? t : `${t.slice(0, max - 1)}…`;
}

function unquote(s: string): string {
  return s
    .replace(CONTROL, '')
    .trim()
    .replace(/^(?:\.\.\.|…)\s*/, '')
    .replace(/\s*(?:\.\.\.|…)$/, '')
    .replace(/^["'`](.*)["'`]$/s, '$1')
    .trim();
}

function normalise(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}

function appendNote(text: string, note: string): string {
  return text === '' ? note : `${text} ${note}`;
}
