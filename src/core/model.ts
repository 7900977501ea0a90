// The core's own view of the cluster and of incidents. Adapters convert SDK objects into these;
// nothing here depends on an SDK. Timestamps are ISO-8601 strings.
import { z } from 'zod';
import { IncidentSignalsSchema } from './signals/signal.ts';

export const ContainerTypeSchema = z.enum(['app', 'init', 'sidecar', 'ephemeral']);
export type ContainerType = z.infer<typeof ContainerTypeSchema>;

export const TerminationSchema = z.object({
  reason: z.string().optional(),
  exitCode: z.number().int().optional(),
  signal: z.number().int().optional(),
  message: z.string().optional(),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
});
export type Termination = z.infer<typeof TerminationSchema>;

export const ContainerStateSchema = z.object({
  kind: z.enum(['running', 'waiting', 'terminated', 'unknown']),
  reason: z.string().optional(),
  message: z.string().optional(),
  exitCode: z.number().int().optional(),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
});
export type ContainerState = z.infer<typeof ContainerStateSchema>;

/** Spec and status of one container, merged. Memory quantities are kept as written (e.g. "64Mi"). */
export const ContainerSnapshotSchema = z.object({
  name: z.string(),
  type: ContainerTypeSchema,
  image: z.string().optional(),
  memoryRequest: z.string().optional(),
  memoryLimit: z.string().optional(),
  /** CPU quantities as written (e.g. "500m"). */
  cpuRequest: z.string().optional(),
  cpuLimit: z.string().optional(),
  ready: z.boolean(),
  restartCount: z.number().int().nonnegative(),
  state: ContainerStateSchema,
  lastTermination: TerminationSchema.optional(),
  /** Runtime heap flags from command, args and known env vars, e.g. "-Xmx512m (args)". */
  heapFlags: z.array(z.string()).optional(),
});
export type ContainerSnapshot = z.infer<typeof ContainerSnapshotSchema>;

export const OwnerRefSchema = z.object({
  kind: z.string(),
  name: z.string(),
  uid: z.string().optional(),
  /** ownerReferences[].controller: the managing owner among several. */
  controller: z.boolean().optional(),
});
export type OwnerRef = z.infer<typeof OwnerRefSchema>;

export const PodConditionSchema = z.object({
  type: z.string(),
  status: z.string(),
  reason: z.string().optional(),
  message: z.string().optional(),
});
export type PodCondition = z.infer<typeof PodConditionSchema>;

export const PodSnapshotSchema = z.object({
  namespace: z.string(),
  name: z.string(),
  uid: z.string().optional(),
  phase: z.string().optional(),
  reason: z.string().optional(),
  message: z.string().optional(),
  nodeName: z.string().optional(),
  qosClass: z.string().optional(),
  labels: z.record(z.string(), z.string()),
  ownerReferences: z.array(OwnerRefSchema),
  creationTimestamp: z.string().optional(),
  startTime: z.string().optional(),
  /** status.conditions (PodScheduled, Ready...), when the pod has any. */
  conditions: z.array(PodConditionSchema).optional(),
  containers: z.array(ContainerSnapshotSchema),
});
export type PodSnapshot = z.infer<typeof PodSnapshotSchema>;

export const EventSnapshotSchema = z.object({
  namespace: z.string(),
  involvedKind: z.string().optional(),
  involvedName: z.string().optional(),
  involvedFieldPath: z.string().optional(),
  type: z.string().optional(),
  reason: z.string().optional(),
  message: z.string().optional(),
  count: z.number().int().optional(),
  firstTimestamp: z.string().optional(),
  lastTimestamp: z.string().optional(),
  source: z.string().optional(),
});
export type EventSnapshot = z.infer<typeof EventSnapshotSchema>;

export const NodeConditionSchema = z.object({
  type: z.string(),
  status: z.string(),
  reason: z.string().optional(),
  message: z.string().optional(),
});
export const NodeSnapshotSchema = z.object({
  name: z.string(),
  conditions: z.array(NodeConditionSchema),
  allocatableMemory: z.string().optional(),
  allocatableCpu: z.string().optional(),
  capacityMemory: z.string().optional(),
});
export type NodeSnapshot = z.infer<typeof NodeSnapshotSchema>;

/** The workload a pod belongs to (Deployment, StatefulSet, Job...), or the pod itself when unowned. */
export const WorkloadRefSchema = z.object({ kind: z.string(), name: z.string() });
export type WorkloadRef = z.infer<typeof WorkloadRefSchema>;

export const IncidentKindSchema = z.enum([
  'OOMKilled',
  'OOMCrashLoop',
  'EvictedMemory',
  'MemoryLeakForecast',
  'CrashLoop',
  'ProbeKill',
  'ImagePullFailure',
  'ConfigError',
  'Unschedulable',
  'CpuThrottling',
  'NodePressure',
  'RuntimeOOM',
  'JobBackoffLimit',
  'ProcessOOM',
  // An Alertmanager alert the rules cannot map to a pod or do not flag: one kind per family,
  // chosen from the alert's name and labels (alerts/alert-family.ts).
  'MemoryAlert',
  'CrashAlert',
  'ImageAlert',
  'ConfigAlert',
  'SchedulingAlert',
  'NodeAlert',
  'CpuAlert',
  'IoAlert',
  'NetworkAlert',
]);
export type IncidentKind = z.infer<typeof IncidentKindSchema>;

/** The area of trouble an incident belongs to, shown to people and used to filter and count. */
export const IncidentFamilySchema = z.enum(['memory', 'crash', 'image', 'config', 'scheduling', 'node', 'cpu', 'io', 'network']);
export type IncidentFamily = z.infer<typeof IncidentFamilySchema>;


/**
 * Where an incident was found: a scheduled or requested scan, the pod watch, a Warning event (its
 * reason as name) or an Alertmanager alert (its alertname as name).
 */
export const IncidentSourceSchema = z.object({
  kind: z.enum(['scan', 'watch', 'event', 'alert']),
  name: z.string().max(200).optional(),
});
export type IncidentSource = z.infer<typeof IncidentSourceSchema>;

/** The growth line of a leak forecast, kept so the recommendation can size the limit from it. */
export const LeakTrendSchema = z.object({
  /** Working-set growth, bytes per minute (> 0 for a forecast). */
  slopeBytesPerMinute: z.number(),
  /** From detection until the line reaches the current limit; 0 when already past it. */
  minutesToLimit: z.number().nonnegative(),
  /** How far ahead forecasts look (FORECAST_HORIZON_MINUTES). */
  horizonMinutes: z.number().nonnegative(),
});
export type LeakTrend = z.infer<typeof LeakTrendSchema>;

/** CPU figures of a throttled container, from cAdvisor's counters. */
export const CpuMeasureSchema = z.object({
  /** Mean throttled share of CFS periods over the sustained window (0..1). */
  throttledRatio: z.number().min(0).max(1),
  /** CPU used, cores (rate of container_cpu_usage_seconds_total). */
  usageCores: z.number().nonnegative().optional(),
  /** Time spent throttled, seconds per second (rate of container_cpu_cfs_throttled_seconds_total). */
  throttledSecondsPerSecond: z.number().nonnegative().optional(),
  /** The CFS quota as cores, when the pod spec does not show the limit. */
  limitCores: z.number().positive().optional(),
});
export type CpuMeasure = z.infer<typeof CpuMeasureSchema>;

/** What a detection rule found: one container (or pod, for evictions) with a memory incident. */
export const DetectionSchema = z.object({
  kind: IncidentKindSchema,
  namespace: z.string(),
  pod: z.string(),
  container: z.string(),
  containerType: ContainerTypeSchema,
  /** Owner as seen on the pod (ReplicaSet, Job...), resolved to the workload later. */
  owner: OwnerRefSchema.optional(),
  nodeName: z.string().optional(),
  reason: z.string(),
  exitCode: z.number().int().optional(),
  restartCount: z.number().int().nonnegative(),
  memoryRequest: z.string().optional(),
  memoryLimit: z.string().optional(),
  cpuRequest: z.string().optional(),
  cpuLimit: z.string().optional(),
  lastTerminatedAt: z.string().optional(),
  /** Short human facts the rule rests on, e.g. "lastState.terminated.reason=OOMKilled exitCode=137". */
  facts: z.array(z.string()),
  /** Highest working set observed (metrics API), for peak-based recommendations. */
  observedPeakBytes: z.number().nonnegative().optional(),
  /** For runtime heap OOMs: the container's heap flags, e.g. "-Xmx512m (args)" (none: runtime defaults). */
  heapFlags: z.array(z.string()).optional(),
  /** For runtime heap OOMs: which runtime ran out of heap. */
  runtime: z.enum(['jvm', 'node', 'go', 'python']).optional(),
  /** For leak forecasts: the growth line the forecast rests on. */
  trend: LeakTrendSchema.optional(),
  /** For CPU throttling: what Prometheus measured, so the recommendation can size the CPU limit. */
  cpu: CpuMeasureSchema.optional(),
});
export type Detection = z.infer<typeof DetectionSchema>;

export const RecommendationSchema = z.object({
  /** Which limit this is about; absent in reports stored before CPU recommendations: memory. */
  resource: z.enum(['memory', 'cpu']).optional(),
  /** Recommended limit as a Kubernetes quantity, e.g. "256Mi" (memory) or "750m" (cpu). */
  limit: z.string(),
  /** Memory recommendations: the limit in bytes. */
  limitBytes: z.number().optional(),
  /** CPU recommendations: the limit in millicores. */
  limitMillicores: z.number().optional(),
  /** Recommended request (same as limit for OOM bumps unless the request was lower). */
  request: z.string().optional(),
  /** `peak-headroom` is what earlier versions stored for leaks; it is read, no longer written. */
  rule: z.enum(['vpa-oom-bump', 'leak-projection', 'runtime-heap', 'peak-headroom', 'cpu-throttling-demand', 'none']),
  /** For runtime heap OOMs: the heap flag to set with the limit, e.g. "-Xmx768m". */
  runtimeSetting: z.string().optional(),
  basis: z.string(),
});
export type Recommendation = z.infer<typeof RecommendationSchema>;

export const DiagnosisSchema = z.object({
  source: z.enum(['llm', 'rule-based']),
  /** LLM model name when source is "llm". */
  model: z.string().optional(),
  promptVersion: z.string(),
  rootCauses: z.array(z.string()),
  explanation: z.string(),
  /** 0..1 */
  confidence: z.number().min(0).max(1),
  /** Lines of the context the diagnosis rests on (log lines, events, status facts). */
  evidence: z.array(z.string()),
  /** The LLM's own suggestion, shown beside the deterministic one; never trusted as-is. */
  suggestedLimit: z.string().optional(),
  /** Why the LLM was not used or its answer was discarded (stable error code). */
  fallbackReason: z.string().optional(),
  latencyMs: z.number().optional(),
  /** Kinds of steering the model's text attempted (instruction, approval_claim...); confidence is capped then. */
  steering: z.array(z.string()).optional(),
  /** Tokens Ollama evaluated for the prompt and generated for the answer. */
  promptTokens: z.number().int().nonnegative().optional(),
  completionTokens: z.number().int().nonnegative().optional(),
});
export type Diagnosis = z.infer<typeof DiagnosisSchema>;

export const VerdictSchema = z.object({
  allowed: z.boolean(),
  policyName: z.string(),
  /** Every rule that was checked, in order, with its outcome, e.g. "limit 256Mi within max 4Gi". */
  reasons: z.array(z.string()),
  /** The recommendation after policy clamping; what a human would apply. */
  recommendedLimit: z.string().optional(),
  clamped: z.boolean(),
  approvers: z.array(z.string()),
  autoRemediation: z.literal(false),
});
export type Verdict = z.infer<typeof VerdictSchema>;

export const IncidentStatusSchema = z.enum(['open', 'approved', 'rejected', 'resolved']);
export type IncidentStatus = z.infer<typeof IncidentStatusSchema>;

export const DecisionSchema = z.object({
  action: z.enum(['approve', 'reject']),
  userId: z.string(),
  userName: z.string().optional(),
  at: z.string(),
  reason: z.string().optional(),
});
export type Decision = z.infer<typeof DecisionSchema>;

/** Someone in the channel took note of an incident (Acknowledge), without deciding anything. */
export const AcknowledgementSchema = z.object({
  userId: z.string(),
  userName: z.string().optional(),
  at: z.string(),
});
export type Acknowledgement = z.infer<typeof AcknowledgementSchema>;

/** An incident muted until `until`: no posts and no LLM calls for its fingerprint meanwhile. */
export const MuteSchema = AcknowledgementSchema.extend({ until: z.string() });
export type Mute = z.infer<typeof MuteSchema>;

/** A past incident like this one, found by embedding similarity, with what people decided. */
export const SimilarIncidentSchema = z.object({
  id: z.string(),
  summary: z.string(),
  workload: z.string(),
  lastSeen: z.string(),
  score: z.number(),
  decision: z.string().optional(),
  recommendedLimit: z.string().optional(),
});
export type SimilarIncident = z.infer<typeof SimilarIncidentSchema>;

/** One incident report: what the scan posts, the CLI prints and the store keeps. */
export const IncidentReportSchema = z.object({
  id: z.string(),
  fingerprint: z.string(),
  /** The cluster the incident happened in; absent on reports stored before clusters were recorded. */
  cluster: z.string().optional(),
  detection: DetectionSchema,
  workload: WorkloadRefSchema,
  node: NodeSnapshotSchema.optional(),
  recommendation: RecommendationSchema,
  diagnosis: DiagnosisSchema,
  verdict: VerdictSchema,
  /** Hash of the context the diagnosis was made from; a new LLM call only when it changes. */
  contextHash: z.string(),
  status: IncidentStatusSchema,
  firstSeen: z.string(),
  lastSeen: z.string(),
  occurrences: z.number().int().positive(),
  decision: DecisionSchema.optional(),
  /** Incidents without a resource decision are acknowledged and muted instead. */
  acknowledged: AcknowledgementSchema.optional(),
  mute: MuteSchema.optional(),
  resolvedAt: z.string().optional(),
  previousIncidentIds: z.array(z.string()),
  slack: z.object({ channel: z.string(), ts: z.string() }).optional(),
  /** Similar past incidents shown in the message and given to the LLM. */
  similar: z.array(SimilarIncidentSchema).optional(),
  /** Prometheus signals of the container, pod and node in the window before the incident. */
  signals: IncidentSignalsSchema.optional(),
  /** Where the incident was first found (absent on reports stored before sources were kept: a scan). */
  source: IncidentSourceSchema.optional(),
  /** Alertmanager alerts that fired about it after it was found (their names, first ones kept). */
  alerts: z.array(z.string()).optional(),
});
export type IncidentReport = z.infer<typeof IncidentReportSchema>;

/** A detection tied to its workload and fingerprint, with the pod it was seen on. */
export const FoundIncidentSchema = z.object({
  /** The cluster the pod runs in (the agent's cluster name). */
  cluster: z.string().optional(),
  detection: DetectionSchema,
  workload: WorkloadRefSchema,
  fingerprint: z.string(),
  pod: PodSnapshotSchema,
  /** Where it was found; trackScan stamps the batch's source on those without one. */
  source: IncidentSourceSchema.optional(),
});
export type FoundIncident = z.infer<typeof FoundIncidentSchema>;
