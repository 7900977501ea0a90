// A deterministic diagnosis for when the model is disabled, unreachable or answered badly.
// It says what the cluster itself shows, per incident kind, and quotes the lines it rests on.
import type { ErrorCode } from '../errors.ts';
import type { Detection, Diagnosis } from '../model.ts';
import { describeExitCode } from '../detection/exit-code.ts';
import { incidentFamily, isAlertKind } from '../detection/family.ts';

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
    case 'CrashLoop':
      return {
        rootCauses: [
          d.exitCode !== undefined ? `The process exits with ${describeExitCode(d.exitCode)}` : 'The process keeps exiting soon after it starts',
          'Look at the last lines of its previous log for the error it died on',
        ],
        explanation: `${capital(who)} keeps exiting${exit} and is restarted in a loop, ${times(d.restartCount)} so far. It is not an OOM kill.`,
        confidence: 0.5,
      };
    case 'ProbeKill':
      return {
        rootCauses: [
          'Its liveness or startup probe keeps failing, so the kubelet kills and restarts it',
          'The app is too slow to answer (startup, overload, a blocked thread) or the probe points at the wrong port or path',
        ],
        explanation: `${capital(who)} was killed by the kubelet after failed probes${exit}, ${times(d.restartCount)} so far. It did not run out of memory.`,
        confidence: 0.6,
      };
    case 'ImagePullFailure':
      return {
        rootCauses: ['The image cannot be pulled: a wrong name or tag, missing pull credentials, or an unreachable registry'],
        explanation: `${capital(who)} cannot start because its image cannot be pulled (${d.reason}).`,
        confidence: 0.7,
      };
    case 'ConfigError':
      return {
        rootCauses: [d.facts.find((f) => f.startsWith('missing ')) ?? 'The container configuration refers to something that is missing or wrong'],
        explanation: `${capital(who)} cannot be created or started because of its configuration (${d.reason}).`,
        confidence: 0.7,
      };
    case 'Unschedulable':
      return {
        rootCauses: [
          d.facts.find((f) => f.startsWith('no node: ')) ?? 'No node satisfies the pod\'s requests, tolerations or affinity',
        ],
        explanation: `Pod ${d.namespace}/${d.pod} cannot be placed on any node; it stays Pending until a node fits.`,
        confidence: 0.7,
      };
    case 'CpuThrottling':
      return {
        rootCauses: [
          'The container needs more CPU than its limit allows, so the kernel pauses it in most scheduling periods',
          'A CPU-hungry phase (load, garbage collection, too many threads for the limit) or a limit set too low',
        ],
        explanation: `${capital(who)} has been throttled by its CPU limit for a sustained time: requests slow down while it waits for its next CPU period. It is not crashing.`,
        confidence: 0.6,
      };
    case 'NodePressure':
      return {
        rootCauses: [
          `Node ${d.nodeName ?? '(unknown)'} ran short (${d.reason}) and the kubelet evicted pods to recover`,
          'Pods on the node use more than they request, so the node is overcommitted',
        ],
        explanation: `Node ${d.nodeName ?? '(unknown)'} reported ${d.reason} and evicted several pods of namespace ${d.namespace}; they are listed in the facts.`,
        confidence: 0.6,
      };
    case 'JobBackoffLimit':
      return {
        rootCauses: [
          d.exitCode !== undefined ? `Each attempt of the Job's pod ended with ${describeExitCode(d.exitCode)}` : 'Each attempt of the Job failed',
          'The Job retried up to its backoffLimit and gave up; the last attempt\'s log says why it failed',
        ],
        explanation: `The Job of pod ${d.namespace}/${d.pod} failed its backoff limit: its ${d.container} container kept failing${exit}, so the Job stopped retrying.`,
        confidence: 0.6,
      };
    case 'ProcessOOM': {
      const victim = d.facts.find((f) => f.startsWith('victim process: ') && !f.endsWith('not named by the event'));
      return {
        rootCauses: [
          limit !== undefined ? `Memory use in the container reached its ${limit} limit and the kernel OOM killer ended one of its processes` : 'The node ran out of memory and the kernel OOM killer ended one of its processes',
          'A child process or worker uses more memory than the limit leaves it, or the process leaks',
        ],
        explanation: `The kernel OOM killer ended a process inside ${who}${victim ? ` (${victim})` : ''}, but the container kept running, so its status shows no OOMKilled; only the ${d.reason} event tells. Work that process was doing may be lost silently.`,
        confidence: 0.5,
      };
    }
    case 'RuntimeOOM':
      return {
        rootCauses: [
          d.facts.find((f) => f.startsWith('runtime out of memory:')) ?? 'The runtime ran out of heap inside the container',
          'The heap setting is too small for the workload, or the process leaks memory',
        ],
        explanation: `${capital(who)} exited${exit} because its runtime ran out of heap, not because the kernel OOM killer stopped it; the runtime's heap setting decides when that happens.`,
        confidence: 0.7,
      };
    case 'MemoryAlert':
    case 'CrashAlert':
    case 'ImageAlert':
    case 'ConfigAlert':
    case 'SchedulingAlert':
    case 'NodeAlert':
    case 'CpuAlert':
    case 'IoAlert':
    case 'NetworkAlert':
      return {
        rootCauses: [`Alertmanager reports ${d.reason}`, 'The cluster objects show no failure the detection rules recognise; the alert\'s own labels and annotations are the evidence'],
        explanation: `An Alertmanager alert fired (${d.reason}). The rules found no failing container to explain it, so the alert's labels and annotations, listed in the facts, are what is known.`,
        confidence: 0.4,
      };
  }
}

// A few lines from each source, strongest first: status and events say what happened, the last
// memory lines of the log say what the process saw.
function pickEvidence(d: Detection, ctx: FallbackContext): string[] {
  if (incidentFamily(d.kind) !== 'memory' || isAlertKind(d.kind)) {
    // Outside memory (and for alerts) the rule's facts say what happened and the log's last lines why it died.
    const last = ctx.logLines.map((l) => l.trim()).filter((l) => l !== '').slice(-PER_SOURCE);
    return [...new Set([...d.facts.slice(0, 3), ...last])].slice(0, MAX_EVIDENCE);
  }
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
