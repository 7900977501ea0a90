// Small interfaces between use cases and the outside world. Adapters implement them;
// tests hand in the real adapter pointed at a local server, or a tiny fake.
import type { Decision, EventSnapshot, IncidentReport, NodeSnapshot, OwnerRef, PodSnapshot, WorkloadRef } from './core/model.ts';
import type { VectorMeta } from './core/similar/vector-meta.ts';
import type { ErrorCode } from './core/errors.ts';
import type { AuditEntry, AuditEntryInput } from './core/audit/entry.ts';
import type { AlertJob, AnalyzeJob, ScanJob, ThreadJob } from './core/jobs.ts';
import type { LlmMessage } from './core/llm-message.ts';
import type { ThreadTurn } from './core/qa/thread-turn.ts';
import type { AuditVerifyOptions, AuditVerifyResult } from './core/audit/verify-result.ts';
import type { IncidentHistory } from './core/incident/history.ts';
import type { PromSeries } from './core/signals/series.ts';
import type { ClusterRef } from './core/cluster/cluster-ref.ts';
import type { ClusterHeartbeat, ClusterStatus } from './core/cluster/heartbeat.ts';

// Types the core owns and these ports carry, re-exported for the adapters that implement them.
export type { AuditVerifyOptions } from './core/audit/verify-result.ts';
export type { LlmMessage, ThreadTurn, AuditVerifyResult, IncidentHistory, PromSeries };

export interface LogRequest {
  namespace: string;
  pod: string;
  container: string;
  previous: boolean;
  tailLines: number;
  limitBytes: number;
}

/** One pod whose workload is wanted: its controlling owner (if any) and its name. */
export interface OwnerLookup {
  owner: OwnerRef | undefined;
  podName: string;
}

/** Read-only view of a cluster. Errors are AppError with k8s_* codes. */
export interface ClusterReader {
  /** The cluster read; found incidents carry it (and a named one scopes their fingerprints). */
  readonly clusterRef?: ClusterRef;
  listPods(namespace: string): Promise<PodSnapshot[]>;
  /** One pod as it is now; undefined when it is gone. Optional: without it, callers list the namespace. */
  readPod?(namespace: string, name: string): Promise<PodSnapshot | undefined>;
  listEvents(namespace: string): Promise<EventSnapshot[]>;
  readLog(req: LogRequest): Promise<string>;
  readNode(name: string): Promise<NodeSnapshot | undefined>;
  /** Every node, for what the largest one can hold (unschedulable pods). Optional: without it, no such facts. */
  listNodes?(): Promise<NodeSnapshot[]>;
  /** Follows ownerReferences (ReplicaSet → Deployment...) to the top-level workload. */
  resolveWorkload(namespace: string, owner: OwnerRef | undefined, podName: string): Promise<WorkloadRef>;
  /**
   * The same for many pods of one namespace at once, in order (a scan's incidents): a reader may
   * list each owner kind once instead of reading owner by owner. Optional: without it, callers
   * resolve pod by pod.
   */
  resolveWorkloads?(namespace: string, lookups: OwnerLookup[]): Promise<WorkloadRef[]>;
  namespaceExists(namespace: string): Promise<boolean>;
  /** Every namespace the credentials may list (scan targets when none are configured). */
  listNamespaces(): Promise<string[]>;
}

export interface LlmRequest {
  messages: LlmMessage[];
  /** JSON schema for structured output (Ollama `format`); omitted for free text. */
  format?: Record<string, unknown>;
  timeoutMs?: number;
}

export type LlmResult =
  | {
      ok: true; content: string; model: string; latencyMs: number;
      /** Tokens the server evaluated for the prompt and generated for the answer, when it says. */
      promptTokens?: number; completionTokens?: number;
    }
  | { ok: false; code: ErrorCode; message: string; latencyMs: number };

/** One chat call to a local model. Never throws: failures come back as { ok: false }. */
export interface LlmClient {
  readonly model: string;
  chat(req: LlmRequest): Promise<LlmResult>;
  /** Embeddings for similarity search (Ollama /api/embed), one vector per input. Never throws. */
  embed?(input: string[]): Promise<EmbedResult>;
  /** Installed model names (Ollama /api/tags), for readiness checks. Never throws. */
  listModels?(): Promise<ModelListResult>;
}

export interface Clock {
  now(): Date;
}

export interface Logger {
  debug(obj: Record<string, unknown>, msg?: string): void;
  info(obj: Record<string, unknown>, msg?: string): void;
  warn(obj: Record<string, unknown>, msg?: string): void;
  error(obj: Record<string, unknown>, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

export const systemClock: Clock = { now: () => new Date() };

export interface SlackRef {
  channel: string;
  ts: string;
}

/** Where incident messages go (Slack). Implementations render with the core's Block Kit renderer. */
export interface ChatNotifier {
  /** Posts a new incident message; returns where it landed. */
  postIncident(report: IncidentReport): Promise<SlackRef>;
  /** Re-renders an incident's message in place (recurrence, decision, resolution). */
  updateIncident(report: IncidentReport & { slack: SlackRef }): Promise<void>;
  /** A plain message to the incident channel (scan summaries), or a reply in a thread. */
  postText(text: string, opts?: { threadTs?: string; channel?: string }): Promise<SlackRef>;
}

/** Append-only, hash-chained record of what the bot posted and what people decided. */
export interface AuditLog {
  append(entry: AuditEntryInput): Promise<AuditEntry>;
  /** The last n entries, newest first. */
  latest(n: number): Promise<AuditEntry[]>;
  /** Recomputes the chain; with checkpoints, also checks it still holds each of them. */
  verify(opts?: AuditVerifyOptions): Promise<AuditVerifyResult>;
  /** Every entry, oldest first. */
  export(): AsyncIterable<AuditEntry>;
  /** The chain's head as the last append left it (seq 0 and the genesis hash when empty). */
  head?(): Promise<{ seq: number; hash: string }>;
}

/** Slack users by ID: one display name per person, looked up once and cached. Never throws. */
export interface UserDirectory {
  displayName(userId: string): Promise<string | undefined>;
}

export type EmbedResult =
  | { ok: true; embeddings: number[][]; model: string; latencyMs: number }
  | { ok: false; code: ErrorCode; message: string; latencyMs: number };

export type ModelListResult =
  | { ok: true; models: string[] }
  | { ok: false; code: ErrorCode; message: string };

// ---- Incident store ------------------------------------------------------------------------

/** Stored report plus its write counter, for optimistic concurrency. */
export interface VersionedIncident {
  report: IncidentReport;
  version: number;
}

export type ClaimResult =
  /** This caller created the incident: it owns the first analysis and the Slack post. */
  | { created: true; report: IncidentReport }
  /** An active incident already exists for the fingerprint (another caller or replica won). */
  | { created: false; report: IncidentReport };

export type SaveResult =
  | { ok: true; report: IncidentReport; version: number }
  | { ok: false; code: 'store_conflict' | 'incident_not_found'; reason: string };

/** Outcome of an atomic state change (decide, resolve). A refusal carries the current report. */
export type TransitionOutcome =
  | { ok: true; report: IncidentReport }
  | { ok: false; code: 'incident_not_found'; reason: string }
  | { ok: false; code: 'transition_refused'; reason: string; report: IncidentReport };

export type IncidentHistoryQuery =
  | { fingerprint: string }
  | { namespace: string; workload: WorkloadRef };

// The store is split by job; each use case takes only the parts it uses. "Active" means not
// resolved (open, approved or rejected): one active incident per fingerprint at a time. Errors
// are AppError: `store_unavailable` when Redis cannot be reached, `store_corrupt` for stored data
// that is not a valid report.

/** Incidents and their write counters: claims, version-checked writes, state changes. */
export interface IncidentRecords {
  /** Atomically maps the fingerprint to `newReport` unless an active incident already holds it. */
  claim(fingerprint: string, newReport: IncidentReport): Promise<ClaimResult>;
  get(id: string): Promise<IncidentReport | undefined>;
  getVersioned(id: string): Promise<VersionedIncident | undefined>;
  /**
   * Writes a report. With `expectedVersion` the write happens only if nobody wrote since that
   * version; without it, only if the stored status still equals `report.status` (a stale copy
   * can never undo a decision or a resolution).
   */
  save(report: IncidentReport, expectedVersion?: number): Promise<SaveResult>;
  /** Read-modify-write with retries on conflicts; `change` returns undefined to leave it as is. */
  update(id: string, change: (current: IncidentReport) => IncidentReport | undefined): Promise<IncidentReport | undefined>;
  /** Exactly one decision per incident, however many clicks race. */
  decide(id: string, decision: Decision): Promise<TransitionOutcome>;
  resolve(id: string, at: string): Promise<TransitionOutcome>;
  findOpenByFingerprint(fingerprint: string): Promise<IncidentReport | undefined>;
  /** Active incidents, oldest first. Corrupt entries are skipped (and logged). */
  listOpen(): Promise<IncidentReport[]>;
  /** The active incidents of one namespace (in every cluster), oldest first: what a scan of it reads. */
  listOpenIn(namespace: string): Promise<IncidentReport[]>;
}

/** Past incidents, open or closed, as long as retention keeps them. */
export interface IncidentHistoryIndex {
  history(query: IncidentHistoryQuery, limit: number): Promise<IncidentHistory>;
  /** Incidents within retention, open or closed, newest first (by firstSeen), at most `limit`. */
  listRecent(limit: number): Promise<IncidentReport[]>;
}

/** Each incident's Slack thread and the questions and answers asked in it. */
export interface IncidentThreads {
  /** Records where the incident was posted, so replies in that thread find it. */
  setSlackRef(id: string, ref: SlackRef): Promise<IncidentReport | undefined>;
  /** The incident whose Slack message is the root of this thread. */
  findByThread(channel: string, threadTs: string): Promise<IncidentReport | undefined>;
  /** Appends a turn to the incident's thread history, keeping only the last `max`. */
  appendTurn(id: string, turn: ThreadTurn, max: number): Promise<void>;
  /** Thread history, oldest first. */
  turns(id: string): Promise<ThreadTurn[]>;
}

/** Expiring markers that let exactly one caller do something (Slack retries, post locks). */
export interface OnceLocks {
  /** True the first time `key` is seen within `ttlSeconds` (Slack event ids, retries). */
  seenOnce(key: string, ttlSeconds: number): Promise<boolean>;
  /** Drops a `seenOnce` marker, e.g. a lock whose work failed and must be tried again. */
  forget(key: string): Promise<void>;
}

/** A fingerprint muted by someone, and the analysis key it had then (a new form ends the mute). */
export interface FingerprintMute {
  fingerprint: string;
  until: string;
  userId: string;
  userName?: string;
  at: string;
  analysisKey: string;
}

/** Muted fingerprints: they outlive the incident that was muted, and expire on their own. */
export interface FingerprintMutes {
  /** Stores the mute for `ttlMs` (the caller's clock decides how long is left). */
  setMute(mute: FingerprintMute, ttlMs: number): Promise<void>;
  /** The mute in force for a fingerprint, if any (an expired one is gone). */
  getMute(fingerprint: string): Promise<FingerprintMute | undefined>;
  clearMute(fingerprint: string): Promise<void>;
}

/** Every part of the store over one connection, for wiring. */
export type IncidentStore = IncidentRecords & IncidentHistoryIndex & IncidentThreads & OnceLocks & FingerprintMutes;

// ---- Background jobs -------------------------------------------------------------------------

/** Enqueues background work. The same analysis or thread question enqueued twice runs once. */
export interface JobQueue {
  /** On `cluster`'s scan queue (run by that cluster's agent); this agent's own when omitted. */
  enqueueScan(job: ScanJob, cluster?: ClusterRef): Promise<{ jobId: string }>;
  enqueueAnalyze(job: AnalyzeJob): Promise<{ jobId: string }>;
  enqueueThread(job: ThreadJob): Promise<{ jobId: string }>;
}

// ---- Clusters --------------------------------------------------------------------------------

/** The agents sharing this Redis, one cluster each, found by their heartbeats. Errors are AppError (`store_unavailable`). */
export interface ClusterDirectory {
  /** Records that this agent is alive (and renews its cluster's expiry). */
  beat(heartbeat: ClusterHeartbeat): Promise<void>;
  /** This agent stops: its heartbeat goes at once. */
  leave(cluster: string, instance: string): Promise<void>;
  /** Every cluster seen lately, live ones first. */
  list(): Promise<ClusterStatus[]>;
}

// ---- Usage metrics (leak forecasting) -------------------------------------------------------

/** One container's working set as the metrics API reported it, at the metrics' own timestamp. */
export interface ContainerUsage {
  pod: string;
  container: string;
  bytes: number;
  at: string;
}

/** Reads metrics.k8s.io. Its absence is normal (no metrics-server), so available() says so instead of throwing. */
export interface MetricsReader {
  /** False when the API is not served (404, or 503 from the aggregator); other failures are AppError. */
  available(): Promise<boolean>;
  /** Working set of every container in the namespace. Errors are AppError with k8s_* codes. */
  podMetrics(namespace: string): Promise<ContainerUsage[]>;
}

/** Bounded per-container history of working-set samples. Errors are AppError (`store_unavailable`). */
export interface UsageHistory {
  record(samples: Array<ContainerUsage & { namespace: string }>): Promise<void>;
  /** Oldest first. */
  samples(namespace: string, pod: string, container: string): Promise<Array<{ at: string; bytes: number }>>;
}

// ---- Similar incidents (embeddings) ---------------------------------------------------------

export interface StoredVector {
  id: string;
  vector: number[];
  meta: VectorMeta;
}

// ---- Prometheus (signals) -----------------------------------------------------------------

/**
 * Reads Prometheus's HTTP API (/api/v1/query, /api/v1/query_range). Errors are AppError:
 * `prometheus_unreachable`, `prometheus_timeout`, `prometheus_error` (an error answer or a body
 * that is not Prometheus's).
 */
export interface PrometheusReader {
  /** An instant query evaluated at `at`. */
  query(promql: string, at: Date): Promise<PromSeries[]>;
  /** A range query from `start` to `end` every `stepSeconds`. */
  queryRange(promql: string, range: { start: Date; end: Date; stepSeconds: number }): Promise<PromSeries[]>;
  /** Resolves when Prometheus answers a trivial query; for readiness. */
  check(): Promise<void>;
}

/** Embeddings of past incidents, kept as long as the incidents. Errors are AppError (`store_unavailable`). */
export interface IncidentVectors {
  /** Stores (or replaces) the incident's vector, made by `model`. */
  put(id: string, model: string, vector: number[], meta: VectorMeta): Promise<void>;
  /** Every vector made by `model` (vectors of another model or size are not comparable). */
  all(model: string): Promise<StoredVector[]>;
}

// ---- Alertmanager alerts ----------------------------------------------------------------------

/** Takes Alertmanager notifications off the webhook's request path. */
export interface AlertQueue {
  /**
   * `key` identifies the notification (a hash of its body): the same notification enqueued twice
   * runs once. With `cluster`, onto that cluster's alert queue, which its agents consume.
   */
  enqueueAlerts(job: AlertJob, key: string, cluster?: ClusterRef): Promise<{ jobId: string }>;
}

/** Alert fingerprints folded into a flood summary: neither opened nor summarised again while marked. */
export interface AlertFolds {
  fold(fingerprints: readonly string[], ttlSeconds: number): Promise<void>;
  /** Those of `fingerprints` still marked as folded. */
  folded(fingerprints: readonly string[]): Promise<Set<string>>;
  /** Drops the marks (the alerts resolved). */
  unfold(fingerprints: readonly string[]): Promise<void>;
}
