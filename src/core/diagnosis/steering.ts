// Model output that tries to steer the people deciding: instructions ("ignore previous
// instructions", "set autoRemediation to true"), claims about approval ("approved by the
// operator", "approve now"), about policy ("policy allowed", "bypass the gate") or limits ("limits
// no longer apply"), an absurd memory quantity, or a mention that would ping people. This is what a
// hostile log line makes a model repeat. Finding it never changes the verdict (the policy decides
// from the deterministic recommendation); it caps the diagnosis' confidence, puts a visible warning
// on the message and is counted. A sentence that reports such text as suspicious is not flagged.
import { GIBIBYTE, MEBIBYTE, toBytes } from '../quantity.ts';

export const STEERING_KINDS = ['instruction', 'approval_claim', 'policy_claim', 'limit_claim', 'absurd_quantity', 'mention'] as const;
export type SteeringKind = (typeof STEERING_KINDS)[number];

/** Confidence of a diagnosis whose text tried to steer the decision, at most. */
export const STEERING_CONFIDENCE_CAP = 0.2;

export const STEERING_LIMITS = {
  /** Quantities outside this range are absurd for one container. */
  minBytes: 4 * MEBIBYTE,
  maxBytes: 256 * GIBIBYTE,
  /** A suggested limit more than this many times the current one is absurd too. */
  maxFactor: 64,
} as const;

export interface SteeringInput {
  /** Free text of the answer: root causes and explanation. */
  texts: readonly string[];
  /** Evidence lines that are NOT in the context (quoting a hostile log line is fine; inventing one is not). */
  inventedEvidence?: readonly string[];
  /** The memory limit the model suggested, as it wrote it. */
  suggestedLimit?: string | undefined;
  /** The container's current limit, when it has one. */
  currentLimitBytes?: number | undefined;
}

const PATTERNS: ReadonlyArray<[SteeringKind, RegExp]> = [
  ['instruction', /\b(ignore|disregard|forget|override)\b[^.\n]{0,40}\b(previous|prior|above|earlier|all|system|your|these|the)\b[^.\n]{0,20}\b(instructions?|rules?|prompts?|guidelines|directives?|policy|policies)\b/i],
  ['instruction', /\b(you are now|act as (an?|the) |new instructions?|system prompt|developer mode|jailbreak)/i],
  ['instruction', /(^|\n)\s*(SYSTEM|ASSISTANT|DEVELOPER)\s*:/],
  ['instruction', /\bauto-?remediation\b[^.\n]{0,20}\b(true|on|enabled?)\b|\b(enable|turn on|set)\b[^.\n]{0,10}\bauto-?remediation\b/i],
  ['instruction', /\b(do not|don't|never)\s+(mention|report|tell|reveal|show|flag)\b/i],
  ['approval_claim', /(^|\n|\.\s)\s*APPROVED\b/],
  ['approval_claim', /\b(pre-?approved|auto-?approved?|already approved|(has|have|was|were|is|been)\s+approved|approved by\b|approval (is |was |has been )?(granted|given|not (needed|required)))/i],
  ['approval_claim', /\b(approve|accept)\s+(it|this|now|immediately|right away|the (change|limit|recommendation|increase|request))\b|\b(click|press|hit)\s+approve\b|\bno (human|manual) (review|approval)\b/i],
  ['policy_claim', /\bpolic(y|ies)\b[^.\n]{0,30}\b(allow(s|ed)?|permit(s|ted)?|approved|exempt(s|ed)?|waived?|overridden|bypass(ed)?|disabled|(does not|doesn't|no longer) apply)\b/i],
  ['policy_claim', /\b(bypass|override|skip|disable|circumvent)\b[^.\n]{0,20}\b(policy|policies|gate|approvers?|approval|verdict)\b/i],
  ['policy_claim', /\bexception\b[^.\n]{0,20}\b(granted|approved)\b/i],
  ['limit_claim', /\b(remove|drop|delete|disable|lift)\s+(the\s+|all\s+)?(memory\s+)?limits?\b|\bunlimited memory\b/i],
  ['limit_claim', /\blimits?\s+(do(es)? not|don't|no longer)\s+apply\b|\blimits?\s+(has|have)\s+been\s+(raised|lifted|removed|increased|approved)\b/i],
  ['mention', /<!(channel|here|everyone)\b|<!subteam\^|<@[UW][A-Z0-9]+>|(^|\s)@(channel|here|everyone)\b/i],
];

/** A sentence that points at the text as something to distrust is a report, not steering. */
const REPORTING = /\b(log|line|context|message|event|text|entry|output)s?\b[^.\n]*\b(suspicious|prompt injection|injection|injected|untrusted|hostile|malicious|not be followed|should be ignored|was ignored|ignored it)\b|\b(suspicious|prompt injection|injection attempt)\b[^.\n]*\b(log|line|context|message|event|text|entry)s?\b/i;

const QUANTITY = /(?<![\w.])(\d+(?:\.\d+)?)\s?(Ki|Mi|Gi|Ti|Pi|Ei|KiB|MiB|GiB|TiB|PiB|EiB|KB|MB|GB|TB|PB|EB|k|M|G|T|P|E)(?![\w])/g;

/** "1TiB" → 1Ti, "2GB" → 2G (decimal), "512Mi" as it is; undefined when not a quantity. */
function quantityBytes(number: string, unit: string): number | undefined {
  const u = unit.endsWith('iB') ? unit.slice(0, -1) : unit.endsWith('B') ? (unit[0] === 'K' ? 'k' : unit[0]!) : unit;
  return toBytes(`${number}${u}`);
}

function absurd(bytes: number, currentLimitBytes: number | undefined): boolean {
  if (bytes > STEERING_LIMITS.maxBytes) return true;
  return currentLimitBytes !== undefined && currentLimitBytes > 0 && bytes > currentLimitBytes * STEERING_LIMITS.maxFactor;
}

function sentences(text: string): string[] {
  return text.split(/(?<=[.!?])\s+|\n+/).map((s) => s.trim()).filter((s) => s !== '');
}

/** The kinds of steering found, in STEERING_KINDS order, each once. */
export function findSteering(input: SteeringInput): SteeringKind[] {
  const found = new Set<SteeringKind>();
  const lines = [...input.texts, ...(input.inventedEvidence ?? [])].flatMap(sentences);
  for (const line of lines) {
    if (REPORTING.test(line)) continue;
    for (const [kind, re] of PATTERNS) if (re.test(line)) found.add(kind);
    for (const m of line.matchAll(QUANTITY)) {
      const bytes = quantityBytes(m[1]!, m[2]!);
      if (bytes !== undefined && absurd(bytes, input.currentLimitBytes)) found.add('absurd_quantity');
    }
  }
  if (input.suggestedLimit !== undefined) {
    const bytes = toBytes(input.suggestedLimit.trim());
    if (bytes !== undefined && (bytes < STEERING_LIMITS.minBytes || absurd(bytes, input.currentLimitBytes))) found.add('absurd_quantity');
  }
  return STEERING_KINDS.filter((k) => found.has(k));
}

const LABELS: Record<SteeringKind, string> = {
  instruction: 'instructions to its reader',
  approval_claim: 'claims that the change is approved or should be',
  policy_claim: 'claims about the policy',
  limit_claim: 'claims about limits',
  absurd_quantity: 'an absurd memory quantity',
  mention: 'mentions that would notify people',
};

/** "instructions to its reader and claims about the policy" — for the warning people read. */
export function describeSteering(kinds: readonly string[]): string {
  const labels = kinds.map((k) => LABELS[k as SteeringKind] ?? k);
  if (labels.length <= 1) return labels[0] ?? '';
  return `${labels.slice(0, -1).join(', ')} and ${labels.at(-1)}`;
}
