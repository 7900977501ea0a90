// Prometheus metrics for the agent. One registry per process (or per test), never the
// global default, so tests and several app instances don't collide. The handles are typed
// with small local interfaces so callers never see prom-client types.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { withTimeout } from './with-timeout.ts';

const PREFIX = 'kube_ai_sre_';

/** Sources read on scrape; a slow source must not hold /metrics open. */
const DEFAULT_SOURCE_TIMEOUT_MS = 2_000;

export interface LabeledCounter<L extends string> {
  inc(labels: Record<L, string>, value?: number): void;
}

export interface LabeledHistogram<L extends string> {
  observe(labels: Record<L, string>, seconds: number): void;
  /** Returns a function that observes the elapsed seconds (labels may be completed at the end). */
  startTimer(labels?: Partial<Record<L, string>>): (labels?: Partial<Record<L, string>>) => number;
}

export interface PlainHistogram {
  observe(seconds: number): void;
  startTimer(): () => number;
}

export interface PlainGauge {
  set(value: number): void;
  inc(value?: number): void;
  dec(value?: number): void;
}

export interface QueueDepthSample {
  queue: string;
  /** BullMQ job state: waiting, active, delayed, failed, completed, prioritized... */
  state: string;
  count: number;
}

export type QueueDepthSource = () => Promise<QueueDepthSample[]>;
export type OpenIncidentsSource = () => Promise<number>;

export interface Metrics {
  readonly scansTotal: LabeledCounter<'namespace' | 'trigger' | 'outcome'>;
  readonly scanDurationSeconds: PlainHistogram;
  readonly incidentsDetectedTotal: LabeledCounter<'kind' | 'family' | 'source'>;
  readonly incidentsOpen: PlainGauge;
  readonly llmCallsTotal: LabeledCounter<'model' | 'outcome'>;
  readonly llmLatencySeconds: LabeledHistogram<'model'>;
  readonly llmFallbacksTotal: LabeledCounter<'reason'>;
  /** Diagnoses whose text tried to steer the decision, by kind (instruction, approval_claim...). */
  readonly llmSteeringTotal: LabeledCounter<'kind'>;
  /** Tokens of LLM calls, by model and type (prompt or completion), as Ollama counts them. */
  readonly llmTokensTotal: LabeledCounter<'model' | 'type'>;
  readonly slackApiErrorsTotal: LabeledCounter<'method' | 'error'>;
  readonly slackRateLimitedTotal: LabeledCounter<'method'>;
  readonly queueWaitSeconds: LabeledHistogram<'queue'>;
  readonly decisionsTotal: LabeledCounter<'action' | 'outcome'>;
  /** Audit entries that could not be appended, by the action they would have recorded. */
  readonly auditAppendFailuresTotal: LabeledCounter<'action'>;
  /** Audit entries written on the master that no replica confirmed, by reason (no_replica, timeout, refused). */
  readonly auditReplicaUnconfirmedTotal: LabeledCounter<'reason'>;
  /** Restarts of a watch (`pods` or `events`), by reason. */
  readonly watchRestartsTotal: LabeledCounter<'watch' | 'reason'>;
  readonly detectionLatencySeconds: PlainHistogram;
  /** Requests to the Alertmanager webhook by outcome (accepted, unauthorized, invalid, too_large...). */
  readonly alertmanagerRequestsTotal: LabeledCounter<'outcome'>;
  /** Alerts in accepted Alertmanager notifications, by status (firing, resolved). */
  readonly alertsReceivedTotal: LabeledCounter<'status'>;
  /** What became of processed alerts: joined a rule incident, opened, known, resolved, folded, ignored. */
  readonly alertOutcomesTotal: LabeledCounter<'outcome'>;
  readonly alertsRoutedTotal: LabeledCounter<'to'>;
  /** Registers the callback read on every scrape for `queue_depth{queue,state}`. Replaces any earlier one. */
  setQueueDepthSource(source: QueueDepthSource): void;
  /** Optional: read `incidents_open` from the store on scrape instead of inc/dec bookkeeping. */
  setOpenIncidentsSource(source: OpenIncidentsSource): void;
  /** Prometheus text exposition of every metric on this registry. */
  scrape(): Promise<string>;
  readonly contentType: string;
}

export interface CreateMetricsOptions {
  /** Process and Node.js runtime metrics (process_*, nodejs_*); on by default. */
  defaultMetrics?: boolean;
  /** Told when a scrape-time source fails or times out; the scrape itself still succeeds. */
  onSourceError?: (source: 'queue_depth' | 'incidents_open', err: unknown) => void;
  /** Bound on each scrape-time source; default 2000 ms. */
  sourceTimeoutMs?: number;
  /** Labels on every series, e.g. { cluster: "prod-eu" } when several clusters share dashboards. */
  labels?: Record<string, string>;
}

export function createMetrics(options: CreateMetricsOptions = {}): Metrics {
  const registry = new Registry();
  if (options.labels) registry.setDefaultLabels(options.labels);
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  const reportError = options.onSourceError ?? (() => {});
  const sourceTimeoutMs = options.sourceTimeoutMs ?? DEFAULT_SOURCE_TIMEOUT_MS;
  const registers = [registry];

  let queueDepthSource: QueueDepthSource | undefined;
  let openIncidentsSource: OpenIncidentsSource | undefined;

  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> =>
    new Counter({ name: PREFIX + name, help, labelNames, registers });
  const histogram = <L extends string>(name: string, help: string, labelNames: readonly L[], buckets: number[]): Histogram<L> =>
    new Histogram({ name: PREFIX + name, help, labelNames, buckets, registers });

  new Gauge({
    name: `${PREFIX}queue_depth`,
    help: 'Jobs per queue and state, read from the queue on scrape.',
    labelNames: ['queue', 'state'] as const,
    registers,
    async collect() {
      if (!queueDepthSource) return;
      try {
        const samples = await withTimeout(queueDepthSource(), sourceTimeoutMs, 'queue depth');
        // Reset first so a queue or state that disappeared stops being reported.
        this.reset();
        for (const s of samples) this.set({ queue: s.queue, state: s.state }, s.count);
      } catch (err) {
        // Drop the series rather than report stale depths as current.
        this.reset();
        reportError('queue_depth', err);
      }
    },
  });

  const incidentsOpen = new Gauge({
    name: `${PREFIX}incidents_open`,
    help: 'Incidents currently open (awaiting a decision).',
    registers,
    async collect() {
      if (!openIncidentsSource) return;
      try {
        this.set(await withTimeout(openIncidentsSource(), sourceTimeoutMs, 'open incidents'));
      } catch (err) {
        reportError('incidents_open', err);
      }
    },
  });

  return {
    scansTotal: counter('scans_total', 'Namespace scans by trigger (schedule, command, watch) and outcome.', ['namespace', 'trigger', 'outcome']),
    scanDurationSeconds: histogram('scan_duration_seconds', 'Time to scan one namespace.', [], [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]),
    incidentsDetectedTotal: counter('incidents_detected_total', 'New or changed incidents by kind, family and where they were found.', ['kind', 'family', 'source']),
    incidentsOpen,
    llmCallsTotal: counter('llm_calls_total', 'LLM calls by model and outcome (ok or an error code).', ['model', 'outcome']),
    llmLatencySeconds: histogram('llm_latency_seconds', 'LLM call latency.', ['model'], [0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300]),
    llmFallbacksTotal: counter('llm_fallbacks_total', 'Diagnoses that fell back to the deterministic text, by reason.', ['reason']),
    llmSteeringTotal: counter('llm_steering_total', 'Diagnoses whose text tried to steer the decision (instructions, claims about approval, policy or limits, absurd quantities, mentions), by kind; the verdict is never changed by them.', ['kind']),
    llmTokensTotal: counter('llm_tokens_total', 'Tokens of LLM calls as Ollama counts them, by model and type (prompt, completion).', ['model', 'type']),
    slackApiErrorsTotal: counter('slack_api_errors_total', 'Slack Web API errors by method and error code.', ['method', 'error']),
    slackRateLimitedTotal: counter('slack_rate_limited_total', 'Slack Web API calls answered with HTTP 429.', ['method']),
    queueWaitSeconds: histogram('queue_wait_seconds', 'Time a job waited in its queue before a worker took it.', ['queue'], [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900]),
    auditAppendFailuresTotal: counter('audit_append_failures_total', 'Audit entries that could not be appended (the trail has a gap until they are retried), by the action they recorded.', ['action']),
    auditReplicaUnconfirmedTotal: counter('audit_replica_unconfirmed_total', 'Audit entries written on the Redis master that no replica confirmed (lost if the master dies before it replicates), by reason.', ['reason']),
    decisionsTotal: counter('decisions_total', 'Approve/Reject clicks by action and outcome (recorded, refused, unauthorised...).', ['action', 'outcome']),
    watchRestartsTotal: counter('watch_restarts_total', 'Watch restarts by watch (pods, events) and reason.', ['watch', 'reason']),
    alertmanagerRequestsTotal: counter('alertmanager_requests_total', 'Requests to the Alertmanager webhook by outcome (accepted, unauthorized, invalid, too_large, unavailable, not_found, method_not_allowed).', ['outcome']),
    alertsReceivedTotal: counter('alerts_received_total', 'Alerts in accepted Alertmanager notifications, by status.', ['status']),
    alertsRoutedTotal: counter('alerts_routed_total', 'Alerts about another cluster sent on to that cluster\'s agents, by cluster.', ['to']),
    alertOutcomesTotal: counter('alert_outcomes_total', 'Processed alerts by outcome: joined (a rule incident), opened, known (already tracked, or a redelivery), resolved, folded (into a flood summary), ignored.', ['outcome']),
    detectionLatencySeconds: histogram('detection_latency_seconds', 'Time from the container termination to the incident being detected.', [], [1, 5, 10, 30, 60, 120, 300, 600, 1800, 3600]),
    setQueueDepthSource(source) {
      queueDepthSource = source;
    },
    setOpenIncidentsSource(source) {
      openIncidentsSource = source;
    },
    scrape: () => registry.metrics(),
    contentType: registry.contentType,
  };
}
