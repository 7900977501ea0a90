// The read-only questions `doctor` asks each system, as small ports. Adapters answer them against
// the real services; nothing here writes anything anywhere. Failures are thrown as AppErrors with
// stable codes (slack_error + details.error, k8s_*, store_unavailable, llm_*).
import type { AccessQuery } from '../../core/doctor/agent-access.ts';

export interface SlackIdentity {
  team: string;
  teamId: string;
  /** The bot user's name and ID. */
  user: string;
  userId: string;
  botId?: string;
  /** The token's scopes, from the x-oauth-scopes header; undefined when Slack did not send them. */
  scopes?: string[];
}

export interface SlackUser {
  id: string;
  name: string;
  deleted: boolean;
  isBot: boolean;
}

export interface SlackProbe {
  /** auth.test with the bot token. */
  whoAmI(): Promise<SlackIdentity>;
  /** Reads one message of the channel's history: proves the bot is a member and may read it. */
  readChannel(channelId: string): Promise<void>;
  /** apps.connections.open with the app-level token (opens no connection). */
  checkAppToken(appToken: string): Promise<void>;
  userInfo(userId: string): Promise<SlackUser>;
}

export interface KubeProbe {
  /** The API server the credentials point at, and the kubeconfig context (or "in-cluster"). */
  readonly server: string;
  readonly context: string;
  /** GET /version: the server's gitVersion. */
  version(): Promise<string>;
  /** SelfSubjectReview: who the API server takes us for; undefined when the API is not served. */
  whoAmI(): Promise<string | undefined>;
  /** SelfSubjectAccessReview. */
  can(query: AccessQuery): Promise<boolean>;
  namespaceExists(namespace: string): Promise<boolean>;
  /** metrics.k8s.io served (metrics-server through the aggregation layer). */
  metricsAvailable(): Promise<boolean>;
}

export interface RedisProbe {
  /** The URL with any password hidden, or the Sentinel master name and sentinels. */
  readonly where: string;
  /** PING then INFO (all sections) on the master; throws store_unavailable when Redis cannot be reached. */
  info(): Promise<string>;
  /** Under Redis Sentinel only: what the configured sentinels say about the master. */
  sentinel?(): Promise<SentinelFacts>;
  close(): Promise<void>;
}

export interface SentinelFacts {
  masterName: string;
  /** Sentinels in REDIS_SENTINELS, and how many of them answered. */
  configured: number;
  answering: number;
  /** Why the first one that did not answer did not, when one did not. */
  unanswered?: string;
  /** "host:port" of the master the sentinels name; undefined when they know no master of that name. */
  master?: string;
  /** Sentinels monitoring the master (the one asked and the others it knows). */
  sentinels?: number;
  /** Replicas of the master that are up (not down or disconnected). */
  replicas?: number;
  /** SENTINEL CKQUORUM: whether a failover could be authorised now, in the sentinel's words. */
  quorum?: { ok: boolean; message: string };
}

export interface OllamaProbe {
  readonly host: string;
  /** GET /api/version. */
  version(): Promise<string>;
  /** GET /api/tags: installed model names, e.g. "mistral:latest". */
  models(): Promise<string[]>;
  /** One chat call limited to a single output token; resolves with its latency. */
  oneToken(model: string, timeoutMs: number): Promise<{ latencyMs: number }>;
}

/** What holds the Alertmanager webhook port: nothing, the agent's own receiver, or another program. */
export type ReceiverPortState =
  | { state: 'free' }
  | { state: 'receiver' }
  | { state: 'taken'; answer: string }
  | { state: 'denied'; error: string };

export interface AlertmanagerProbe {
  readonly port: number;
  portState(): Promise<ReceiverPortState>;
}
