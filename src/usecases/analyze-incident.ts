// Turns one detected incident into a full report: gathers evidence read-only, builds the
// redacted and budgeted context, computes the deterministic recommendation, asks the LLM once,
// and lets the policy decide. Evidence that cannot be read degrades the report, never stops it.
import { buildIncidentContext } from '../core/context/build-context.ts';
import { analysisKey } from '../core/incident/tracking.ts';
import { recommend } from '../core/recommend/recommend.ts';
import { evaluatePolicy } from '../core/policy/evaluate.ts';
import type { PolicySet } from '../core/policy/schema.ts';
import type { Detection, EventSnapshot, IncidentKind, IncidentReport, NodeSnapshot } from '../core/model.ts';
import type { IncidentSignals } from '../core/signals/signal.ts';
import type { ClusterReader, Clock, LlmClient, Logger } from '../ports.ts';
import { diagnoseIncident } from './diagnose-incident.ts';
import type { FoundIncident } from './detect-namespace.ts';

export interface AnalyzeDeps {
  cluster: ClusterReader;
  llm: LlmClient | undefined;
  policies: PolicySet;
  logger: Logger;
  clock: Clock;
  hash: (text: string) => string;
  logLimits: { tailLines: number; limitBytes: number };
  /** Prometheus signals around the incident (gather-signals.ts); absent when PROMETHEUS_URL is not set. */
  signals?: (detection: Detection) => Promise<IncidentSignals | undefined>;
}

export interface AnalyzeOptions {
  /** Events of the namespace when the caller already listed them (one list per scan). */
  events?: EventSnapshot[];
  /** Summaries of similar past incidents, given to the LLM as context. */
  similar?: string[];
}

// Kinds whose container never ran (or was not restarted), so there is no previous log to read.
const NO_PREVIOUS_LOG: ReadonlySet<IncidentKind> = new Set(['EvictedMemory', 'ImagePullFailure', 'ConfigError', 'Unschedulable', 'CpuThrottling', 'NodePressure']);

export async function analyzeIncident(deps: AnalyzeDeps, found: FoundIncident, opts: AnalyzeOptions = {}): Promise<IncidentReport> {
  const { detection, workload, pod } = found;
  const log = deps.logger.child({ fingerprint: found.fingerprint, pod: detection.pod, container: detection.container });

  const gatherSignals = deps.signals;
  const [events, logTail, node, signals] = await Promise.all([
    opts.events ? Promise.resolve(opts.events) : softly(log, 'events', () => deps.cluster.listEvents(detection.namespace), []),
    // An incident about no container (an alert about a node or the cluster) has no log either.
    NO_PREVIOUS_LOG.has(detection.kind) || !detection.pod || !detection.container
      ? Promise.resolve('')
      : softly(log, 'previous log', () => deps.cluster.readLog({
          namespace: detection.namespace, pod: detection.pod, container: detection.container,
          previous: true, tailLines: deps.logLimits.tailLines, limitBytes: deps.logLimits.limitBytes,
        }), ''),
    detection.nodeName
      ? softly<NodeSnapshot | undefined>(log, 'node', () => deps.cluster.readNode(detection.nodeName as string), undefined)
      : Promise.resolve(undefined),
    gatherSignals ? softly<IncidentSignals | undefined>(log, 'signals', () => gatherSignals(detection), undefined) : Promise.resolve(undefined),
  ]);

  const context = buildIncidentContext({ detection, pod, events, logTail, node, workload, ...(signals ? { signals } : {}) });
  const recommendation = recommend(detection, { observedPeakBytes: detection.observedPeakBytes });
  const diagnosis = await diagnoseIncident(
    { llm: deps.llm, logger: log },
    { detection, context, recommendation, similar: opts.similar },
  );
  const verdict = evaluatePolicy(deps.policies, { detection, recommendation, diagnosis });
  const now = deps.clock.now().toISOString();

  return {
    id: `${found.fingerprint}-${deps.clock.now().getTime().toString(36)}`,
    fingerprint: found.fingerprint,
    ...(found.cluster ? { cluster: found.cluster } : {}),
    detection,
    workload,
    node,
    recommendation,
    diagnosis,
    verdict,
    contextHash: deps.hash(analysisKey(detection)),
    status: 'open',
    firstSeen: now,
    lastSeen: now,
    occurrences: 1,
    previousIncidentIds: [],
    ...(signals ? { signals } : {}),
    ...(found.source ? { source: found.source } : {}),
  };
}

/** Reads one piece of evidence; a failure is logged and replaced by an empty value. */
async function softly<T>(log: Logger, what: string, read: () => Promise<T>, fallback: T): Promise<T> {
  try {
    return await read();
  } catch (err) {
    log.warn({ err: errorSummary(err) }, `could not read ${what}; continuing without it`);
    return fallback;
  }
}

function errorSummary(err: unknown): Record<string, unknown> {
  if (err && typeof err === 'object') {
    const e = err as { code?: unknown; message?: unknown };
    return { code: e.code, message: e.message };
  }
  return { message: String(err) };
}
