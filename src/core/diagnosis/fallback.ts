// A deterministic diagnosis for when the model is disabled, unreachable or answered badly.
// It says what the cluster itself shows, per incident kind, and quotes the lines it rests on.
import type { ErrorCode } from '../errors.ts';
import type { Detection, Diagnosis } from '../model.ts';

export const RULES_VERSION = 'rules-v1';

export interface FallbackContext {
  statusLines: string[];
  eventLines: string[];
  logLines: string[];
}

export type FallbackReason = ErrorCode | 'llm_disabled';

const REASON_TEXT: Partial<Record<FallbackReason, string>> = {
  llm_disabled: 'the model is disabled',
  llm_timeout: 'the model did not answer in time',
  llm_unreachable: 'the model server could not be reached',
  llm_model_missing: 'the model is not installed on the model server',
  llm_http_error: 'the model server returned an error',
  llm_invalid_json: 'the model answered with invalid JSON',
  llm_schema_mismatch: 'the model answer did not match the expected shape',
};

const MAX_EVIDENCE = 6;
const PER_SOURCE = 2;
const STRONG_LINE = /oomkill|out of memory|evict|exit ?code[=: ]*137/i;
const MEMORY_LINE = /oom|out of memory|memory|evict|exit ?code[=: ]*137|\b137\b|backoff|cannot allocate|heap|killed/i;
const LOG_MEMORY_LINE = /out ?of ?memory|oom|heap|cannot allocate|memoryerror|allocation failed|killed|gc overhead/i;

export function ruleBasedDiagnosis(d: Detection, ctx: FallbackContext, reason: FallbackReason): Diagnosis {
  const { rootCauses, explanation, confidence } = explain(d);
  const why = REASON_TEXT[reason] ?? `the model answer was not used (${reason})`;
  return {
    source: 'rule-based',
    promptVersion: RULES_VERSION,
    rootCauses,
    explanation: `${explanation} This explanation comes from built-in rules because ${why}.`,
    confidence,
    evidence: pickEvidence(d, ctx),
    fallbackReason: reason,
  };
}

function explain(d: Detection): { rootCauses: string[]; explanation: string; confidence: number } {
  const who = `${typeLabel(d)} ${d.container} of pod ${d.namespace}/${d.pod}`;
  const limit = d.memoryLimit;
  const exit = d.exitCode !== undefined ? ` (exit ${d.exitCode})` : '';
  const restarts = d.restartCount > 0 ? ` It has restarted ${times(d.restartCount)}.` : '';
  switch (d.kind) {
    case 'OOMKilled':
      return limit !== undefined
        ? {
            rootCauses: [`Memory use reached the ${limit} limit`, 'The limit is too low for the workload, or the process leaks or spikes memory'],
            explanation: `${capital(who)} exceeded its ${limit} memory limit and was killed by the kernel OOM killer${exit}.${restarts}`,
            confidence: 0.6,
          }
        : {
            rootCauses: ['The node ran out of memory and the kernel OOM killer picked this container', 'No memory limit is set, so its usage is unbounded'],
            explanation: `${capital(who)} has no memory limit and was killed by the kernel OOM killer${exit}, most likely because its node ran out of memory.${restarts}`,
            confidence: 0.5,
          };
    case 'OOMCrashLoop':
      return {
        rootCauses: [
          limit !== undefined ? `The ${limit} memory limit is too low for the container to start or run` : 'The container runs out of memory soon after each start',
          'Memory use grows quickly after start (large heap, cache warm-up or a leak)',
        ],
        explanation: `${capital(who)} keeps being killed by the kernel OOM killer${exit}${limit !== undefined ? ` at its ${limit} memory limit` : ''} and is in a crash loop, restarted ${times(d.restartCount)}.`,
        confidence: 0.6,
      };
    case 'EvictedMemory':
      return {
        rootCauses: [
          `Node ${d.nodeName ?? '(unknown)'} ran low on memory and the kubelet evicted pods`,
          d.memoryRequest !== undefined
            ? `The pod used more than its ${d.memoryRequest} memory request, which puts it first in line for eviction`
            : 'The pod has no memory request, which puts it first in line for eviction',
        ],
        explanation: `Pod ${d.namespace}/${d.pod} was evicted by the kubelet because node ${d.nodeName ?? '(unknown)'} was under memory pressure.${
          d.memoryRequest !== undefined ? ` Its ${d.container} container requests ${d.memoryRequest}.` : ''
        }`,
        confidence: 0.5,
      };
    case 'MemoryLeakForecast':
      return {
        rootCauses: ['Memory use keeps growing without levelling off (likely a leak or an unbounded cache)'],
        explanation: `${capital(who)} uses steadily more memory${limit !== undefined ? ` and is heading for its ${limit} limit` : ''}; at this rate it will be OOM-killed. Raising the limit only buys time.`,
        confidence: 0.4,
      };
  }
}

// A few lines from each source, strongest first: status and events say what happened, the last
// memory lines of the log say what the process saw.
function pickEvidence(d: Detection, ctx: FallbackContext): string[] {
  const strongestFirst = (lines: string[]): string[] =>
    lines.filter((l) => MEMORY_LINE.test(l)).sort((a, b) => Number(STRONG_LINE.test(b)) - Number(STRONG_LINE.test(a)));
  const status = strongestFirst(ctx.statusLines).slice(0, PER_SOURCE);
  const events = strongestFirst(ctx.eventLines).slice(0, PER_SOURCE);
  const logs = ctx.logLines.filter((l) => LOG_MEMORY_LINE.test(l)).slice(-PER_SOURCE);
  const lines = [...status, ...events, ...logs].map((l) => l.trim()).filter((l) => l !== '');
  return [...new Set(lines.length > 0 ? lines : d.facts)].slice(0, MAX_EVIDENCE);
}

function typeLabel(d: Detection): string {
  switch (d.containerType) {
    case 'init':
      return 'init container';
    case 'sidecar':
      return 'sidecar container';
    case 'ephemeral':
      return 'ephemeral container';
    default:
      return 'container';
  }
}

function times(n: number): string {
  return n === 1 ? 'once' : `${n} times`;
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
