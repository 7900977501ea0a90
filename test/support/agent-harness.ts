// The whole bot as users run it (startAgent, the same wiring as `npm start`) against real Redis,
// the test API server, the fake Slack and the fake Ollama. One harness per test, own key prefix.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import type { KubeConfig } from '@kubernetes/client-node';
import { startAgent, type Agent } from '../../src/app/create-agent.ts';
import { loadConfig, type Config } from '../../src/config/env.ts';
import { RedisAuditLog } from '../../src/adapters/redis/audit-log.ts';
import { connectRedis } from '../../src/adapters/redis/connection.ts';
import { createIncidentStore } from '../../src/adapters/redis/incident-store.ts';
import { createQueues, type Queues } from '../../src/adapters/redis/queues.ts';
import type { AuditEntry } from '../../src/core/audit/entry.ts';
import { silentLogger } from '../../src/logging.ts';
import type { Clock, IncidentStore, Logger } from '../../src/ports.ts';
import type { TestClusterContext } from './cluster-context.ts';
import { startFakeOllama, type FakeOllama } from './fake-ollama.ts';
import { DEFAULT_USER, startFakeSlack, type FakeSlack } from './fake-slack/index.ts';
import { redisTargetOf } from '../../src/adapters/redis/redis-target.ts';
import { deleteKeysUnder, SHARED_REDIS_URL, uniquePrefix } from './redis-keys.ts';
import { freePort } from './test-cluster/free-port.ts';

export const APPROVER = DEFAULT_USER;
export const NON_APPROVER = { id: 'U0SREMALLORY', name: 'mallory' };

export interface HarnessOptions {
  mode: 'http' | 'socket';
  namespace: string;
  watch?: boolean;
  /** The Warning-event watch (EVENT_WATCH_ENABLED); off unless asked for. */
  eventWatch?: boolean;
  clock?: Clock;
  env?: Record<string, string>;
  /** Share Slack/Ollama/prefix with another harness (two replicas side by side). */
  shared?: Pick<Harness, 'slack' | 'ollama' | 'prefix' | 'policyDir'>;
  /** The agent's logger (e.g. a recording one); silent by default. */
  logger?: Logger;
  /** Another Redis than the shared one (a test that stops and restarts its own). */
  redisUrl?: string;
  /** How the agent reaches the API server (a ServiceAccount, a proxy); the cluster's admin by default. */
  kubeConfig?: KubeConfig;
}

export interface Harness {
  agent: Agent;
  config: Config;
  slack: FakeSlack;
  ollama: FakeOllama;
  prefix: string;
  policyDir: string;
  eventsUrl: string;
  redis: Redis;
  store: IncidentStore;
  audit: RedisAuditLog;
  queues: Queues;
  auditEntries(): Promise<AuditEntry[]>;
  stop(): Promise<void>;
}

export async function writePolicy(approvers: string[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sre-policies-'));
  await writeFile(join(dir, 'default.yaml'), [
    'apiVersion: kube-ai-sre/v1',
    'kind: MemoryPolicy',
    'metadata: { name: default }',
    'spec:',
    '  namespaces: ["*"]',
    '  protectedNamespaces: [kube-system]',
    '  maxMemoryLimit: 4Gi',
    '  maxIncreaseFactor: 4',
    `  approvers: [${approvers.join(', ')}]`,
    '  autoRemediation: false',
    '',
  ].join('\n'));
  return dir;
}

export async function startHarness(cluster: Pick<TestClusterContext, 'kc'>, opts: HarnessOptions): Promise<Harness> {
  const redisUrl = opts.redisUrl ?? SHARED_REDIS_URL;
  const slack = opts.shared?.slack ?? await startFakeSlack();
  const ollama = opts.shared?.ollama ?? await startFakeOllama();
  const prefix = opts.shared?.prefix ?? uniquePrefix('e2e');
  const policyDir = opts.shared?.policyDir ?? await writePolicy([APPROVER.id]);
  const config = loadConfig({
    SLACK_BOT_TOKEN: slack.identity.botToken,
    SLACK_SIGNING_SECRET: slack.identity.signingSecret,
    ...(opts.mode === 'socket' ? { SLACK_APP_TOKEN: slack.identity.appToken } : {}),
    SLACK_CHANNEL_ID: 'C0INCIDENTS',
    SLACK_API_URL: slack.apiUrl,
    PORT: '0',
    HEALTH_PORT: '0',
    REDIS_URL: redisUrl,
    KEY_PREFIX: prefix,
    SCAN_NAMESPACES: opts.namespace,
    SCAN_INTERVAL_SECONDS: '3600',
    WATCH_ENABLED: opts.watch ? 'true' : 'false',
    EVENT_WATCH_ENABLED: opts.eventWatch ? 'true' : 'false',
    OLLAMA_HOST: ollama.url,
    OLLAMA_TIMEOUT_MS: '10000',
    FORECAST_HORIZON_MINUTES: '0',
    POLICY_DIR: policyDir,
    LOG_LEVEL: 'silent',
    ...opts.env,
  });
  const agent = await startAgent(config, { kubeConfig: opts.kubeConfig ?? cluster.kc, logger: opts.logger ?? silentLogger, clock: opts.clock, host: '127.0.0.1' });
  // The agent's Redis as its configuration names it (REDIS_URL, or the master Sentinel names).
  const redis = await connectRedis(redisTargetOf(config), 'worker');
  const audit = new RedisAuditLog(redis, prefix);
  const store = createIncidentStore({ redis, prefix });
  const queues = createQueues({ connection: redis, prefix: `${prefix}bull` });
  return {
    agent, config, slack, ollama, prefix, policyDir, redis, store, audit, queues,
    eventsUrl: `http://127.0.0.1:${agent.slackPort}/slack/events`,
    auditEntries: async () => (await audit.latest(1000)).reverse(),
    async stop() {
      await agent.stop();
      await queues.close();
      if (!opts.shared) {
        await deleteKeysUnder(redis, prefix);
        await slack.close();
        await ollama.close();
      }
      redis.disconnect();
    },
  };
}

/** Blocks of a recorded Slack call, as text, for assertions on what people see. */
export function blocksText(call: { args: Record<string, unknown> }): string {
  return JSON.stringify(call.args.blocks ?? []) + String(call.args.text ?? '');
}

/** The documented environment for running the bot as its own process (`npm start`). */
export async function botEnvironment(o: {
  slack: FakeSlack; ollama: FakeOllama; kubeconfigPath: string; namespace: string; prefix: string; healthPort: number; extra?: Record<string, string>;
}): Promise<NodeJS.ProcessEnv> {
  return {
    PATH: process.env.PATH, HOME: process.env.HOME,
    SLACK_BOT_TOKEN: o.slack.identity.botToken,
    SLACK_SIGNING_SECRET: o.slack.identity.signingSecret,
    SLACK_CHANNEL_ID: 'C0INCIDENTS',
    SLACK_API_URL: o.slack.apiUrl,
    PORT: String(await freePort()),
    HEALTH_PORT: String(o.healthPort),
    REDIS_URL: SHARED_REDIS_URL,
    KEY_PREFIX: o.prefix,
    KUBECONFIG: o.kubeconfigPath,
    SCAN_NAMESPACES: o.namespace,
    OLLAMA_HOST: o.ollama.url,
    POLICY_DIR: await writePolicy([APPROVER.id]),
    LOG_LEVEL: 'info',
    ...o.extra,
  };
}
