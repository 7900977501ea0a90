// Wiring of the Alertmanager webhook: when ALERTMANAGER_TOKEN is set, the receiver on its own port
// queues each notification, and one worker runs the alert job (ingest-alerts.ts) through the same
// tracking as scans and the pod watch. Alerts labelled with another cluster that has a live agent
// are queued for that cluster's agents instead (alert-routing.ts), so every agent of a named
// cluster runs the worker, token or not. Without the token nothing listens, and an unnamed agent
// runs nothing.
import type { Redis } from 'ioredis';
import type { Config } from '../config/env.ts';
import type { Metrics } from '../adapters/http/metrics.ts';
import { startAlertReceiver, type AlertReceiver } from '../adapters/http/alertmanager-receiver.ts';
import { createAlertFolds } from '../adapters/redis/alert-folds.ts';
import { startWorker, type Queues, type RunningWorker, type WorkerOptions } from '../adapters/redis/queues.ts';
import type { ClusterDirectory, ClusterReader } from '../ports.ts';
import type { ClusterRef } from '../core/cluster/cluster-ref.ts';
import { routeAlerts } from '../core/alerts/alert-routing.ts';
import type { AlertmanagerWebhook } from '../core/alerts/webhook-payload.ts';
import { runAlertJob, type AlertOutcome } from '../usecases/ingest-alerts.ts';
import type { TrackDeps } from '../usecases/track-scan.ts';
import type { DetectionRule } from '../core/detection/rule.ts';

export interface AlertIngestion {
  /** The receiver's port; undefined when no receiver listens (no ALERTMANAGER_TOKEN). */
  port: number | undefined;
  stop(): Promise<void>;
}

export interface AlertIngestionDeps {
  track: TrackDeps & { cluster: ClusterReader };
  queues: Queues;
  redis: Redis;
  metrics: Metrics;
  workerOpts: Omit<WorkerOptions, 'concurrency'>;
  host?: string;
  /** The rules with the namespace's policy thresholds, as scans run them. */
  rulesFor?: (namespace: string) => readonly DetectionRule[];
  /** The agents that report in, and this agent's cluster: alerts about another live cluster go to its agents. */
  clusters?: ClusterDirectory;
  self?: ClusterRef;
}

/** A folded alert stays folded this long while Alertmanager re-sends it (its repeat_interval is 4 h by default). */
const FOLD_SECONDS = 24 * 3600;

export async function startAlertIngestion(config: Config, deps: AlertIngestionDeps): Promise<AlertIngestion | undefined> {
  const token = config.ALERTMANAGER_TOKEN;
  // A named cluster's agent maps the alerts other agents send on to its cluster, receiver or not.
  if (!token && !deps.self?.named) return undefined;
  const { metrics } = deps;
  const jobDeps = {
    ...deps.track,
    folds: createAlertFolds({ redis: deps.redis, prefix: config.KEY_PREFIX }),
    maxNewIncidents: config.ALERTMANAGER_MAX_NEW_INCIDENTS,
    foldSeconds: FOLD_SECONDS,
    namespaces: new Set(config.SCAN_NAMESPACES),
    ...(deps.rulesFor ? { rulesFor: deps.rulesFor } : {}),
  };
  // One notification at a time: alerts of one group arrive in order, and a flood is one job.
  const worker: RunningWorker = startWorker('alert', async (job) => {
    metrics.queueWaitSeconds.observe({ queue: 'alert' }, Math.max(0, deps.track.clock.now().getTime() - job.enqueuedAt) / 1000);
    const summary = await runAlertJob(jobDeps, job.data);
    for (const [outcome, n] of Object.entries(summary.outcomes) as Array<[AlertOutcome, number]>) {
      if (n > 0) metrics.alertOutcomesTotal.inc({ outcome }, n);
    }
    return summary.outcomes;
  }, { ...deps.workerOpts, concurrency: 1 });
  const log = deps.track.logger.child({ component: 'alertmanager' });
  /** Named clusters with a live agent: the ones an alert may be sent on to. */
  const liveClusters = async (): Promise<Set<string>> => {
    if (!deps.clusters) return new Set();
    try {
      return new Set((await deps.clusters.list()).filter((c) => c.live && c.named).map((c) => c.name));
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'cluster heartbeats unreadable: every alert is mapped here');
      return new Set();
    }
  };
  const enqueue = async (payload: AlertmanagerWebhook, key: string): Promise<void> => {
    const receivedAt = deps.track.clock.now().toISOString();
    const { own, routed } = routeAlerts(payload, { label: config.ALERTMANAGER_CLUSTER_LABEL, self: deps.self?.name, live: await liveClusters() });
    if (own) await deps.queues.enqueueAlerts({ payload: own, receivedAt }, key);
    for (const [name, part] of routed) {
      await deps.queues.enqueueAlerts({ payload: part, receivedAt }, `${key}@${name}`, { name, named: true });
      metrics.alertsRoutedTotal.inc({ to: name }, part.alerts.length);
      log.info({ cluster: name, alerts: part.alerts.length }, 'alerts about another cluster sent on to its agents');
    }
  };
  if (!token) {
    return { port: undefined, stop: () => worker.close() };
  }
  let receiver: AlertReceiver;
  try {
    receiver = await startAlertReceiver({
      port: config.ALERTMANAGER_PORT,
      ...(deps.host ? { host: deps.host } : {}),
      token,
      maxBodyBytes: config.ALERTMANAGER_MAX_BODY_BYTES,
      logger: deps.track.logger,
      accept: (payload, key) => enqueue(payload, key),
      onRequest: (outcome) => metrics.alertmanagerRequestsTotal.inc({ outcome }),
      onAlerts: (status, n) => {
        if (n > 0) metrics.alertsReceivedTotal.inc({ status }, n);
      },
    });
  } catch (err) {
    await worker.close();
    throw err;
  }
  return {
    port: receiver.port,
    async stop() {
      await receiver.close();
      await worker.close();
    },
  };
}
