// `kube-ai-sre scan <namespace> | --from-file dump.json [--json] [--no-llm]`: a one-shot scan
// that needs neither Slack nor Redis. One clear line and a specific exit code per failure.
import { parseArgs } from 'node:util';
import { incidentFamily } from '../core/detection/family.ts';
import { AppError, isAppError } from '../core/errors.ts';
import type { IncidentReport, PodSnapshot } from '../core/model.ts';
import type { PolicySet } from '../core/policy/schema.ts';
import { renderReportText } from '../core/render/report-text.ts';
import type { ClusterReader, Clock, LlmClient, Logger } from '../ports.ts';
import { analyzeIncident, type AnalyzeDeps } from '../usecases/analyze-incident.ts';
import { detectNamespace, toFoundIncidents } from '../usecases/detect-namespace.ts';
import type { ThrottlingOutcome } from '../usecases/detect-throttling.ts';
import { detectionSettings } from '../app/detection-settings.ts';
import { EXIT, exitCodeFor } from './exit-codes.ts';

export interface ScanCommandDeps {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  readFile: (path: string) => Promise<string>;
  /** Connects to the live cluster (kubeconfig or in-cluster); may load the Kubernetes client first. */
  liveCluster: (kubeconfig: string | undefined) => ClusterReader | Promise<ClusterReader>;
  /** Builds a ClusterReader over a parsed dump. */
  dumpCluster: (json: unknown) => ClusterReader & { namespaces(): string[] };
  llm: () => LlmClient | Promise<LlmClient>;
  llmHost: string;
  /** The chat model (OLLAMA_MODEL), named in the hint to pull it. */
  llmModel?: string;
  policies: () => Promise<PolicySet>;
  logger: Logger;
  clock: Clock;
  hash: (text: string) => string;
  logLimits: { tailLines: number; limitBytes: number };
  /**
   * Prometheus signals for a live scan (PROMETHEUS_URL set): the CPU throttling check with the
   * namespace's thresholds, and the signals each report correlates. Absent: none. Never for a dump.
   */
  prometheus?: (policies: PolicySet) => Promise<CliPrometheus | undefined>;
}

export interface CliPrometheus {
  signals?: AnalyzeDeps['signals'];
  throttling?: (namespace: string, pods: PodSnapshot[]) => Promise<ThrottlingOutcome>;
}

export const SCAN_USAGE = `usage: kube-ai-sre scan <namespace> [--json] [--no-llm] [--kubeconfig <path>]
       kube-ai-sre scan --from-file <dump.json> [<namespace>] [--json] [--no-llm]`;

const LLM_DOWN = new Set(['llm_unreachable', 'llm_model_missing', 'llm_timeout', 'llm_http_error']);

export async function runScanCommand(argv: string[], deps: ScanCommandDeps): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        'no-llm': { type: 'boolean', default: false },
        'from-file': { type: 'string' },
        kubeconfig: { type: 'string' },
      },
    });
  } catch (err) {
    deps.stderr(`${(err as Error).message}\n${SCAN_USAGE}`);
    return EXIT.usage;
  }
  const { values, positionals } = args;
  const fromFile = values['from-file'];
  if (positionals.length > 1 || (!fromFile && positionals.length !== 1)) {
    deps.stderr(SCAN_USAGE);
    return EXIT.usage;
  }

  try {
    const policies = await deps.policies();
    let cluster: ClusterReader;
    let namespaces: string[];
    if (fromFile) {
      const dump = deps.dumpCluster(await readJson(deps, fromFile));
      cluster = dump;
      namespaces = positionals[0] ? [positionals[0]] : dump.namespaces();
    } else {
      cluster = await deps.liveCluster(values.kubeconfig);
      namespaces = [positionals[0] as string];
    }
    const llm = values['no-llm'] ? undefined : await deps.llm();
    // One read per node for the whole run, however many of its pods crashed.
    const nodes = new Map<string, ReturnType<ClusterReader['readNode']>>();
    const readNode: ClusterReader['readNode'] = (name) => {
      let node = nodes.get(name);
      if (!node) nodes.set(name, (node = cluster.readNode(name)));
      return node;
    };
    const prometheus = fromFile ? undefined : await deps.prometheus?.(policies);
    const analyzeDeps: AnalyzeDeps = {
      cluster: { ...cluster, readNode }, llm, policies, logger: deps.logger, clock: deps.clock, hash: deps.hash, logLimits: deps.logLimits,
      ...(prometheus?.signals ? { signals: prometheus.signals } : {}),
    };
    // Without an LLM an analysis is a few reads: several at once. With one, one at a time (a local
    // model answers one request after the other anyway, and each has its own timeout).
    const inFlight = llm ? 1 : RULE_BASED_IN_FLIGHT;
    const { rulesFor } = detectionSettings(policies);

    const reports: IncidentReport[] = [];
    let podsChecked = 0;
    for (const ns of namespaces) {
      const result = await detectNamespace(cluster, ns, rulesFor(ns));
      podsChecked += result.podsChecked;
      // Throttling is judged like a scheduled scan does; Prometheus failing leaves the rest of the report.
      const throttled = prometheus?.throttling ? await prometheus.throttling(ns, result.pods) : undefined;
      if (throttled?.judged) result.found.push(...await toFoundIncidents(cluster, ns, throttled.detections, result.pods));
      else if (throttled) deps.stderr(`CPU throttling in ${ns} not judged: Prometheus failed (${throttled.reason})`);
      if (result.found.length === 0) continue;
      const events = await cluster.listEvents(ns).catch(() => []);
      reports.push(...await inOrder(result.found, inFlight, (found) => analyzeIncident(analyzeDeps, { ...found, source: { kind: 'scan' } }, { events })));
    }

    if (values.json) {
      deps.stdout(JSON.stringify({ namespaces, podsChecked, incidents: reports.map(toJson) }, null, 2));
    } else if (reports.length === 0) {
      deps.stdout(`no incidents in ${namespaces.join(', ') || '(no namespaces)'} (${podsChecked} pod${podsChecked === 1 ? '' : 's'} checked)`);
    } else {
      deps.stdout(reports.map(renderReportText).join('\n\n'));
    }

    const llmDown = reports.find((r) => r.diagnosis.fallbackReason && LLM_DOWN.has(r.diagnosis.fallbackReason));
    if (llmDown) {
      const reason = llmDown.diagnosis.fallbackReason as string;
      deps.stderr(`ollama unavailable at ${deps.llmHost} (${reason}): reports are rule-based; ${llmHint(reason, deps.llmModel ?? 'mistral')}`);
      return EXIT.llmUnavailable;
    }
    return reports.length > 0 ? EXIT.incidentsFound : EXIT.ok;
  } catch (err) {
    if (isAppError(err)) {
      deps.stderr(`error: ${err.message.split('\n').join('\n  ')}`);
      return exitCodeFor(err.code);
    }
    deps.stderr(`error: ${(err as Error)?.message ?? String(err)}`);
    return EXIT.internal;
  }
}

const RULE_BASED_IN_FLIGHT = 8;

/** Maps with at most `limit` calls in flight; results in the order of the input. */
async function inOrder<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** How to get the LLM explanation instead, for each way the LLM can be unavailable. */
function llmHint(reason: string, model: string): string {
  switch (reason) {
    case 'llm_model_missing':
      return `for the LLM explanation run \`ollama pull ${model}\` and scan again`;
    case 'llm_timeout':
      return 'for the LLM explanation raise OLLAMA_TIMEOUT_MS (a model on CPU can take minutes) and scan again';
    case 'llm_unreachable':
      return `for the LLM explanation start Ollama (\`ollama serve\`, then \`ollama pull ${model}\`) or set OLLAMA_HOST, and scan again`;
    default:
      return 'for the LLM explanation check the Ollama server (`kube-ai-sre doctor` tests it) and scan again';
  }
}

async function readJson(deps: ScanCommandDeps, path: string): Promise<unknown> {
  let text: string;
  try {
    text = await deps.readFile(path);
  } catch (err) {
    throw new AppError('input_invalid', `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new AppError('input_invalid', `${path} is not JSON: ${(err as Error).message}`);
  }
}

/** The stable machine-readable shape of `--json`. */
function toJson(r: IncidentReport) {
  const d = r.detection;
  return {
    cluster: r.cluster ?? null,
    namespace: d.namespace,
    pod: d.pod,
    container: d.container,
    containerType: d.containerType,
    kind: d.kind,
    family: incidentFamily(d.kind),
    fingerprint: r.fingerprint,
    workload: r.workload,
    node: d.nodeName ?? null,
    reason: d.reason,
    restartCount: d.restartCount,
    memoryLimit: d.memoryLimit ?? null,
    memoryRequest: d.memoryRequest ?? null,
    cpuLimit: d.cpuLimit ?? null,
    cpuRequest: d.cpuRequest ?? null,
    lastTerminatedAt: d.lastTerminatedAt ?? null,
    rootCauses: r.diagnosis.rootCauses,
    explanation: r.diagnosis.explanation,
    confidence: r.diagnosis.confidence,
    diagnosisSource: r.diagnosis.source,
    model: r.diagnosis.model ?? null,
    fallbackReason: r.diagnosis.fallbackReason ?? null,
    evidence: r.diagnosis.evidence,
    recommendation: r.recommendation,
    llmSuggestedLimit: r.diagnosis.suggestedLimit ?? null,
    // Prometheus readings of the window before the incident (live scans with PROMETHEUS_URL only).
    signals: r.signals?.signals ?? [],
    policy: r.verdict,
  };
}
