// Wiring, done once: config → adapters → use cases → Slack app, workers, scheduler, pod watch and
// the health server. main.ts and the end-to-end tests both build the agent through here, so the
// tests run exactly what users run.
import type { KubeConfig } from '@kubernetes/client-node';
import type { Redis } from 'ioredis';
import type { Config } from '../config/env.ts';
import { policyDir } from '../config/paths.ts';
import { loadPolicies } from '../config/policy-files.ts';
import { createMetrics, type Metrics } from '../adapters/http/metrics.ts';
import { startHealthServer, type HealthServer } from '../adapters/http/health.ts';
import { sha256Hex } from '../adapters/hash.ts';
import { createClusterReader } from '../adapters/kubernetes/cluster-reader.ts';
import { loadKubeConfig } from '../adapters/kubernetes/kube-config.ts';
import { startPodWatch, type PodWatch } from '../adapters/kubernetes/pod-watch.ts';
import { startEventWatch, type EventWatch } from '../adapters/kubernetes/event-watch.ts';
import { createMetricsReader } from '../adapters/kubernetes/metrics-reader.ts';
import { createUsageHistory } from '../adapters/redis/usage-history.ts';
import { forecastNamespace } from '../usecases/forecast-namespace.ts';
import { createIncidentVectors } from '../adapters/redis/incident-vectors.ts';
import { createSimilarIncidents } from '../usecases/similar-incidents.ts';
import { createScorecard } from '../usecases/scorecard.ts';
import { createOllamaClient } from '../adapters/ollama/llm-client.ts';
import { connectRedis } from '../adapters/redis/connection.ts';
import { redisTargetOf } from '../adapters/redis/redis-target.ts';
import { createIncidentStore } from '../adapters/redis/incident-store.ts';
import { closeAll, createQueues, startWorker, type Queues, type RunningWorker } from '../adapters/redis/queues.ts';
import { createSlackApp, type SlackApp } from '../adapters/slack/app.ts';
import { isAppError } from '../core/errors.ts';
import type { PolicySet } from '../core/policy/schema.ts';
import { familyReported } from '../core/policy/evaluate.ts';
import { incidentFamily } from '../core/detection/family.ts';
import { sourceOf } from '../core/incident/source.ts';
import type { IncidentKind } from '../core/model.ts';
import { createLogger } from '../logging.ts';
import { systemClock, type ClusterReader, type Clock, type LlmClient, type Logger } from '../ports.ts';
import { answerThread } from '../usecases/answer-thread.ts';
import { runAnalysis, type RunAnalysisDeps } from '../usecases/run-analysis.ts';
import { runScanJob, type ScanJobDeps } from '../usecases/run-scan-job.ts';
import { hasModel, instrumentLlm } from './instrument-llm.ts';
import { createWatchHandler } from './watch-handler.ts';
import { detectionSettings } from './detection-settings.ts';
import { clusterRef, createAuditing } from './audit-wiring.ts';
import { startHeartbeat, type Heartbeat } from './cluster-heartbeat.ts';
import { agentVersion } from '../config/agent-version.ts';
import { createClusterHeartbeats } from '../adapters/redis/cluster-heartbeats.ts';
import { ownsIncident } from '../core/cluster/cluster-ref.ts';
import { createEventHandler, type EventHandler } from './event-handler.ts';
import { countAuditFailures } from './count-audit-failures.ts';
import { prometheusSignals } from './prometheus-signals.ts';
import { beginWork, type WorkStart } from './begin-work.ts';
import { startAlertIngestion, type AlertIngestion } from './alert-ingestion.ts';

export interface AgentOverrides {
  kubeConfig?: KubeConfig;
  logger?: Logger;
  clock?: Clock;
  /** Listen address of the health and Slack HTTP servers (tests bind loopback). */
  host?: string;
}

export interface Agent {
  readonly healthPort: number;
  /** Port of the Slack HTTP receiver (HTTP mode only). */
  readonly slackPort: number | undefined;
  /** Port of the Alertmanager webhook receiver (when ALERTMANAGER_TOKEN is set). */
  readonly alertmanagerPort: number | undefined;
  readonly metrics: Metrics;
  readonly policies: PolicySet;
  stop(): Promise<void>;
}

export async function startAgent(config: Config, overrides: AgentOverrides = {}): Promise<Agent> {
  const logger = overrides.logger ?? createLogger(config.LOG_LEVEL);
  const clock = overrides.clock ?? systemClock;
  // Fail fast on what a human must fix: policies and Redis.
  const policies = await loadPolicies(policyDir(config.POLICY_DIR));
  const kubeConfig = overrides.kubeConfig ?? loadKubeConfig(config.KUBECONFIG);
  const self = clusterRef(config, kubeConfig);
  const metrics = createMetrics({
    onSourceError: (source, err) => logger.warn({ source, err: (err as Error).message }, 'metrics source failed'),
    // A named cluster labels every series, so one dashboard can tell clusters apart.
    ...(self.named ? { labels: { cluster: self.name } } : {}),
  });
  const cluster = createClusterReader(kubeConfig, { clusterRef: self });
  // REDIS_URL, or the master Redis Sentinel names (found again after every failover).
  const redisTarget = redisTargetOf(config);
  // Each connection logs an outage (a failover) once, and its end once.
  const redis = await connectRedis(redisTarget, 'store', { name: 'kube-ai-sre:store', logger });
  const workerRedis = await connectRedis(redisTarget, 'worker', { name: 'kube-ai-sre:worker', logger });
  // Enqueueing fails fast during an outage (the caller reports it); workers wait it out.
  const queueRedis = await connectRedis(redisTarget, 'queue', { name: 'kube-ai-sre:queue', logger });
  // The audit trail's own connection: waiting for a replica to confirm an entry blocks it.
  const auditRedis = await connectRedis(redisTarget, 'store', { name: 'kube-ai-sre:audit', logger });
  const connections: Redis[] = [redis, workerRedis, queueRedis, auditRedis];

  const store = createIncidentStore({ redis, prefix: config.KEY_PREFIX, retentionDays: config.INCIDENT_RETENTION_DAYS, logger });
  // Three missed beats and the cluster counts as gone for the other agents.
  const clusters = createClusterHeartbeats({ redis, prefix: config.KEY_PREFIX, clock, ttlMs: 3 * config.CLUSTER_HEARTBEAT_SECONDS * 1000, logger });
  const auditing = createAuditing(config, {
    redis: auditRedis, clock, kubeConfig, logger,
    replicaExpected: redisTarget.sentinel !== undefined, unconfirmed: metrics.auditReplicaUnconfirmedTotal,
  });
  const audit = countAuditFailures(auditing.audit, metrics.auditAppendFailuresTotal);
  const queues: Queues = createQueues({ connection: queueRedis, prefix: `${config.KEY_PREFIX}bull`, logger, cluster: self });
  metrics.setQueueDepthSource(() => queues.depths());
  metrics.setOpenIncidentsSource(async () => (await store.listOpen()).filter((r) => ownsIncident(self, r)).length);

  const rawLlm = config.LLM_ENABLED
    ? createOllamaClient({ host: config.OLLAMA_HOST, model: config.OLLAMA_MODEL, embedModel: config.OLLAMA_EMBED_MODEL, timeoutMs: config.OLLAMA_TIMEOUT_MS, keepAlive: config.OLLAMA_KEEP_ALIVE, logger })
    : undefined;
  const llm: LlmClient | undefined = rawLlm ? instrumentLlm(rawLlm, metrics) : undefined;
  const detection = detectionSettings(policies, config);
  const prometheus = prometheusSignals(config, clock, logger, undefined, detection.thresholds);
  const similar = createSimilarIncidents({
    llm, store, logger,
    vectors: createIncidentVectors({ redis, prefix: config.KEY_PREFIX, retentionDays: config.INCIDENT_RETENTION_DAYS, logger }),
  });

  const slack: SlackApp | undefined = config.SLACK_BOT_TOKEN
    ? createSlackApp({
        botToken: config.SLACK_BOT_TOKEN,
        signingSecret: config.SLACK_SIGNING_SECRET,
        appToken: config.SLACK_APP_TOKEN,
        apiUrl: config.SLACK_API_URL,
        port: config.PORT,
        host: overrides.host,
        channelId: config.SLACK_CHANNEL_ID as string,
        store, audit, queue: queues, policies, clock, logger,
        stats: createScorecard({ store, clock }),
        auditChannelId: config.AUDIT_CHANNEL_ID, cluster: auditing.cluster, self, clusters,
        // Every 429 is counted as it is answered; a call that still fails after its retries is an error.
        onRateLimited: (method) => metrics.slackRateLimitedTotal.inc({ method }),
        onSlackError: (method, error) => metrics.slackApiErrorsTotal.inc({ method, error }),
        onDecision: (action, outcome) => metrics.decisionsTotal.inc({ action, outcome }),
      })
    : undefined;
  if (!slack) logger.warn({}, 'SLACK_BOT_TOKEN not set: incidents are stored and audited but not posted');
  auditing.useDirectory(slack?.users);

  const hash = sha256Hex;
  const trackDeps = {
    store, queue: queues, notifier: slack?.notifier, audit, clock, logger, hash, quietMinutes: config.RESOLVE_QUIET_MINUTES,
    reported: (namespace: string, kind: IncidentKind) => familyReported(policies, namespace, kind),
  };
  const scanDeps: ScanJobDeps = {
    ...trackDeps,
    cluster,
    reply: slack?.reply,
    onScanned: (job, outcome) => metrics.scansTotal.inc({ namespace: job.namespace, trigger: job.trigger, outcome }),
    forecast: config.FORECAST_HORIZON_MINUTES > 0 ? forecaster(config, kubeConfig, redis, clock, logger, prometheus.workingSetHistory) : undefined,
    throttling: prometheus.throttling,
    rulesFor: detection.rulesFor,
  };
  const analysisDeps: RunAnalysisDeps = {
    cluster, llm, policies, logger, clock, hash, store, audit, notifier: slack?.notifier, similar,
    logLimits: { tailLines: config.LOG_TAIL_LINES, limitBytes: config.LOG_LIMIT_BYTES },
    signals: prometheus.signals,
  };

  const workerOpts = { connection: workerRedis, prefix: `${config.KEY_PREFIX}bull`, logger, cluster: self };
  const waited = (queue: string, enqueuedAt: number) => metrics.queueWaitSeconds.observe({ queue }, Math.max(0, clock.now().getTime() - enqueuedAt) / 1000);
  const workers: RunningWorker[] = [
    startWorker('scan', async (job) => {
      waited('scan', job.enqueuedAt);
      const stopTimer = metrics.scanDurationSeconds.startTimer();
      try {
        await runScanJob(scanDeps, job.data);
      } finally {
        stopTimer();
      }
    }, { ...workerOpts, concurrency: 2 }),
    startWorker('analyze', async (job) => {
      waited('analyze', job.enqueuedAt);
      const result = await runAnalysis(analysisDeps, job.data);
      if (result.outcome === 'posted' || result.outcome === 'stored') {
        const { kind } = job.data.found.detection;
        metrics.incidentsDetectedTotal.inc({ kind, family: incidentFamily(kind), source: sourceOf(job.data.found).kind });
      }
      const reason = result.report?.diagnosis.fallbackReason;
      if (reason && result.outcome !== 'already-posted') metrics.llmFallbacksTotal.inc({ reason });
      if (result.outcome !== 'already-posted') for (const kind of result.report?.diagnosis.steering ?? []) metrics.llmSteeringTotal.inc({ kind });
      return result.outcome;
    }, { ...workerOpts, concurrency: config.LLM_CONCURRENCY }),
    ...(slack
      ? [startWorker('thread', async (job) => {
          waited('thread', job.enqueuedAt);
          const answer = await answerThread({ store, llm, notifier: slack.notifier, audit, clock, logger }, job.data);
          if (answer.answered === 'llm') for (const kind of answer.steering ?? []) metrics.llmSteeringTotal.inc({ kind });
        }, { ...workerOpts, concurrency: config.LLM_CONCURRENCY })]
      : []),
  ];

  // Scheduled scans are the safety net; the watch is the fast path. Both feed one pipeline.
  // Everything below starts something; if a later step fails, what already started is stopped.
  let namespaceRefresh: NodeJS.Timeout | undefined;
  let watch: PodWatch | undefined;
  let eventWatch: EventWatch | undefined;
  let eventHandler: EventHandler | undefined;
  let health: HealthServer | undefined;
  let alerts: AlertIngestion | undefined;
  let work: WorkStart | undefined;
  let namespaces: string[] = [];
  let stopCheckpoints: (() => void) | undefined;
  let heartbeat: Heartbeat | undefined;
  const shutdown = async (): Promise<void> => {
    // First, so the other agents stop routing scans here at once.
    await heartbeat?.stop();
    stopCheckpoints?.();
    await work?.stop();
    if (namespaceRefresh) clearInterval(namespaceRefresh);
    await watch?.stop().catch((err: unknown) => logger.warn({ err: (err as Error).message }, 'pod watch did not stop cleanly'));
    await eventWatch?.stop().catch((err: unknown) => logger.warn({ err: (err as Error).message }, 'event watch did not stop cleanly'));
    await eventHandler?.stop();
    await slack?.stop().catch((err: unknown) => logger.warn({ err: (err as Error).message }, 'Slack app did not stop cleanly'));
    await alerts?.stop().catch((err: unknown) => logger.warn({ err: (err as Error).message }, 'Alertmanager receiver did not stop cleanly'));
    await closeAll({ workers, queues, connections }).catch((err: unknown) => logger.warn({ err: (err as Error).message }, 'queues did not close cleanly'));
    await health?.close();
  };
  const configured = config.SCAN_NAMESPACES.length > 0;
  const everyMs = config.SCAN_INTERVAL_SECONDS * 1000;
  /** Needs the API server (and Redis); safe to run again after a failure. */
  const startScansAndWatch = async (stopping: () => boolean): Promise<void> => {
    const current = configured ? await answered(cluster, config.SCAN_NAMESPACES) : await allowedNamespaces(cluster, logger);
    // Every namespace of the cluster: spread over the interval rather than all listed at once.
    await queues.syncScanSchedules(current, everyMs, { spread: !configured });
    namespaces = current;
    logger.info({ namespaces, everySeconds: config.SCAN_INTERVAL_SECONDS }, 'scan schedules in place');
    // Without SCAN_NAMESPACES, namespaces created later get their schedule at the next refresh.
    if (!configured && !namespaceRefresh) {
      namespaceRefresh = setInterval(() => {
        allowedNamespaces(cluster, logger)
          .then(async (latest) => {
            await queues.syncScanSchedules(latest, everyMs, { spread: true });
            namespaces = latest;
          })
          .catch((err: unknown) => logger.warn({ err: (err as Error).message }, 'could not refresh the namespaces to scan'));
      }, Math.max(everyMs, 60_000));
      namespaceRefresh.unref();
    }
    if (config.WATCH_ENABLED && !watch && !stopping()) {
      // An empty scope means every namespace the watch sees (it runs cluster-wide then).
      const onPod = createWatchHandler({ cluster, track: trackDeps, metrics, clock, logger, namespaces: new Set(config.SCAN_NAMESPACES), rulesFor: detection.rulesFor });
      watch = await startPodWatch({
        kubeConfig,
        namespaces: config.SCAN_NAMESPACES,
        onPod,
        logger,
        onRestart: (reason) => metrics.watchRestartsTotal.inc({ watch: 'pods', reason }),
      });
    }
    if (config.EVENT_WATCH_ENABLED && !eventWatch && !stopping()) {
      eventHandler ??= createEventHandler({ cluster, track: trackDeps, metrics, clock, logger, namespaces: new Set(config.SCAN_NAMESPACES), rulesFor: detection.rulesFor });
      eventWatch = await startEventWatch({
        kubeConfig,
        namespaces: config.SCAN_NAMESPACES,
        onEvent: eventHandler.onEvent,
        logger,
        onRestart: (reason) => metrics.watchRestartsTotal.inc({ watch: 'events', reason }),
      });
    }
  };

  try {
    // An API server that does not answer at start does not end the process: the agent serves
    // probes and Slack, /readyz says what it waits for, and the work begins when it answers.
    work = await beginWork(startScansAndWatch, { logger });
    if (!work.begun) logger.warn({ reason: work.waiting }, 'started without the API server answering: scans and the pod watch begin when it does');
    heartbeat = await startHeartbeat({
      directory: clusters, self, version: agentVersion(), clock, logger, everyMs: config.CLUSTER_HEARTBEAT_SECONDS * 1000,
      namespaces: () => (namespaces.length > 0 || !configured ? namespaces : config.SCAN_NAMESPACES), allNamespaces: !configured,
    });
    if (slack) await slack.start();
    if (slack) stopCheckpoints = auditing.startCheckpoints({ notifier: slack.notifier, locks: store, logger });
    // The same tracking as scans and the watch, with the cluster reader the rules use.
    alerts = await startAlertIngestion(config, { track: { ...trackDeps, cluster }, queues, redis, metrics, workerOpts, host: overrides.host, rulesFor: detection.rulesFor, clusters, self });
    health = await startHealthServer({
      port: config.HEALTH_PORT,
      host: overrides.host,
      metrics,
      logger,
      checks: {
        redis: async () => { await redis.ping(); },
        kubernetes: async () => {
          if (!work?.begun) throw new Error(`waiting to begin work: ${work?.waiting ?? 'starting'}`);
          await cluster.namespaceExists(namespaces[0] ?? 'default');
        },
        ...(slack ? { slack: () => slack.checkAuth() } : {}),
      },
      offChecks: prometheus.offChecks,
      degradedChecks: { ...prometheus.degradedChecks, ...(rawLlm?.listModels
        ? {
            ollama: async () => {
              const res = await rawLlm.listModels();
              if (!res.ok) throw new Error(`${res.code}: ${res.message}`);
              if (!hasModel(res.models, config.OLLAMA_MODEL)) throw new Error(`model "${config.OLLAMA_MODEL}" is not pulled (ollama pull ${config.OLLAMA_MODEL})`);
            },
          }
        : {}) },
    });
    logger.info({ cluster: self.name, healthPort: health.port, slackPort: slack?.port, mode: config.SLACK_APP_TOKEN ? 'socket' : 'http' }, 'kube-ai-sre-agent started');
  } catch (err) {
    await shutdown();
    throw err;
  }
  const started = health;

  let stopped: Promise<void> | undefined;
  return {
    healthPort: started.port,
    slackPort: slack?.port,
    alertmanagerPort: alerts?.port,
    metrics,
    policies,
    stop: () => {
      stopped ??= (async () => {
        await shutdown();
        logger.info({}, 'kube-ai-sre-agent stopped');
      })();
      return stopped;
    },
  };
}

function forecaster(
  config: Config, kubeConfig: KubeConfig, redis: Redis, clock: Clock, logger: Logger,
  workingSetHistory?: Parameters<typeof forecastNamespace>[0]['workingSetHistory'],
) {
  const deps = {
    metrics: createMetricsReader(kubeConfig),
    history: createUsageHistory({ redis, prefix: config.KEY_PREFIX }),
    logger,
    clock,
    ...(workingSetHistory ? { workingSetHistory } : {}),
  };
  return (namespace: string, pods: Parameters<typeof forecastNamespace>[1]['pods']) =>
    forecastNamespace(deps, { namespace, pods, horizonMinutes: config.FORECAST_HORIZON_MINUTES });
}

/** The configured namespaces, once the API server answers (a refusal is an answer too). */
async function answered(cluster: ClusterReader, namespaces: string[]): Promise<string[]> {
  try {
    await cluster.namespaceExists(namespaces[0] ?? 'default');
  } catch (err) {
    if (!isAppError(err, 'k8s_forbidden')) throw err;
  }
  return namespaces;
}

async function allowedNamespaces(cluster: ClusterReader, logger: Logger): Promise<string[]> {
  try {
    return await cluster.listNamespaces();
  } catch (err) {
    if (isAppError(err, 'k8s_forbidden')) {
      logger.error({ code: err.code }, 'SCAN_NAMESPACES is empty and the agent may not list namespaces: set SCAN_NAMESPACES');
    }
    throw err;
  }
}
