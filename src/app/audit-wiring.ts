// The audit trail as the agent writes it: the Redis chain, wrapped so every entry names the
// cluster and its actor's display name, and the schedule that posts checkpoints of its head to
// Slack (AUDIT_CHANNEL_ID, else the incident channel) as a witness outside Redis. Each entry waits
// for a replica's confirmation (AUDIT_REPLICA_WAIT_MS); one that gets none is logged with its seq
// and counted, and stays in the chain as it is.
import type { Redis } from 'ioredis';
import type { Config } from '../config/env.ts';
import type { LabeledCounter } from '../adapters/http/metrics.ts';
import { RedisAuditLog, type ReplicaAck, type UnconfirmedReason } from '../adapters/redis/audit-log.ts';
import type { AuditLog, ChatNotifier, Clock, Logger, OnceLocks, UserDirectory } from '../ports.ts';
import { withAuditContext, type AuditContext } from '../usecases/audit-context.ts';
import { scheduleCheckpoints } from '../usecases/audit-checkpoint.ts';
import { IN_CLUSTER, type ClusterRef } from '../core/cluster/cluster-ref.ts';

/** The kubeconfig side: only the current cluster's name is read. */
interface ClusterNamed {
  getCurrentCluster(): { name: string } | null;
}

/** CLUSTER_NAME, else the kubeconfig's cluster name (client-node calls the in-cluster one "inCluster": no name). */
export function clusterName(config: Pick<Config, 'CLUSTER_NAME'>, kubeConfig: ClusterNamed | undefined): string | undefined {
  if (config.CLUSTER_NAME) return config.CLUSTER_NAME;
  const name = kubeConfig?.getCurrentCluster()?.name;
  return name && name !== 'inCluster' ? name.slice(0, 100) : undefined;
}

/** The agent's cluster: CLUSTER_NAME (named), else the kubeconfig's cluster, else "in-cluster". */
export function clusterRef(config: Pick<Config, 'CLUSTER_NAME'>, kubeConfig: ClusterNamed | undefined): ClusterRef {
  return { name: clusterName(config, kubeConfig) ?? IN_CLUSTER, named: config.CLUSTER_NAME !== undefined };
}

export interface Auditing {
  audit: AuditLog;
  cluster: string;
  /** Names actors from now on (the directory comes with the Slack app). */
  useDirectory(users: UserDirectory | undefined): void;
  /** Starts periodic checkpoints (when AUDIT_CHECKPOINT_MINUTES > 0); returns how to stop them. */
  startCheckpoints(deps: { notifier: ChatNotifier; locks: OnceLocks; logger: Logger }): () => void;
}

export interface AuditingDeps {
  redis: Redis;
  clock: Clock;
  kubeConfig?: ClusterNamed;
  logger?: Logger;
  /** True under Redis Sentinel: a master without replicas is worth a warning then. */
  replicaExpected?: boolean;
  unconfirmed?: LabeledCounter<'reason'>;
}

export function createAuditing(config: Config, deps: AuditingDeps): Auditing {
  const cluster = clusterRef(config, deps.kubeConfig).name;
  const context: AuditContext = { cluster };
  const replicaAck: ReplicaAck = {
    timeoutMs: config.AUDIT_REPLICA_WAIT_MS,
    expectReplica: deps.replicaExpected ?? false,
    onUnconfirmed(seq: number, reason: UnconfirmedReason, detail: string) {
      deps.unconfirmed?.inc({ reason });
      deps.logger?.warn({ seq, reason, detail }, 'audit entry not confirmed by a replica: it is on the master only');
    },
  };
  const audit = withAuditContext(new RedisAuditLog(deps.redis, config.KEY_PREFIX, deps.clock, { replicaAck }), context);
  return {
    audit,
    cluster,
    useDirectory(users) {
      context.users = users;
    },
    startCheckpoints({ notifier, locks, logger }) {
      if (config.AUDIT_CHECKPOINT_MINUTES <= 0) return () => undefined;
      const schedule = scheduleCheckpoints(
        { audit, notifier, channel: config.AUDIT_CHANNEL_ID, clock: deps.clock, logger, cluster },
        { everyMinutes: config.AUDIT_CHECKPOINT_MINUTES, locks },
      );
      logger.info({ everyMinutes: config.AUDIT_CHECKPOINT_MINUTES, channel: config.AUDIT_CHANNEL_ID ?? config.SLACK_CHANNEL_ID }, 'audit checkpoints scheduled');
      return schedule.stop;
    },
  };
}
