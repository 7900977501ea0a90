// The Slack app under test, wired like production: the fake Slack, real Redis (a unique key
// prefix, removed afterwards), the Redis incident store, audit log and BullMQ queues.
import type { Redis } from 'ioredis';
import { createSlackApp, type SlackApp, type SlackAppDeps } from '../../../src/adapters/slack/app.ts';
import { RedisAuditLog } from '../../../src/adapters/redis/audit-log.ts';
import { connectRedis } from '../../../src/adapters/redis/connection.ts';
import { createIncidentStore } from '../../../src/adapters/redis/incident-store.ts';
import { createQueues, type Queues } from '../../../src/adapters/redis/queues.ts';
import type { AuditEntry } from '../../../src/core/audit/entry.ts';
import type { IncidentReport } from '../../../src/core/model.ts';
import { PolicySchema, type PolicySet } from '../../../src/core/policy/schema.ts';
import type { Clock, IncidentStore, Logger, SlackRef } from '../../../src/ports.ts';
import { incidentReport } from '../../fixtures/incidents/report.ts';
import { startFakeSlack, type FakeSlack } from '../../support/fake-slack/index.ts';
import { deleteKeysUnder, SHARED_REDIS_URL, uniquePrefix } from '../../support/redis-keys.ts';

export const APPROVERS = ['U0SREALICE', 'U0SREBOB'];
export const ALICE = { id: 'U0SREALICE', name: 'alice' };
export const BOB = { id: 'U0SREBOB', name: 'bob' };
export const CAROL = { id: 'U0DEVCAROL', name: 'carol' };
export const CHANNEL = 'C0INCIDENTS';

export const POLICIES: PolicySet = [
  PolicySchema.parse({
    apiVersion: 'kube-ai-sre/v1',
    kind: 'MemoryPolicy',
    metadata: { name: 'default' },
    spec: { namespaces: ['*'], protectedNamespaces: ['kube-system'], maxMemoryLimit: '4Gi', maxIncreaseFactor: 4, approvers: APPROVERS },
  }),
];

export interface LogRecord {
  level: string;
  msg: string;
  fields: Record<string, unknown>;
}

/** A Logger that keeps every record, so tests can wait for what the app did with an event. */
export function recordingLogger(records: LogRecord[] = [], bindings: Record<string, unknown> = {}): Logger & { records: LogRecord[] } {
  const at = (level: string) => (obj: Record<string, unknown>, msg?: string) => void records.push({ level, msg: msg ?? '', fields: { ...bindings, ...obj } });
  return {
    records,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (b) => recordingLogger(records, { ...bindings, ...b }),
  };
}

export interface Harness {
  fake: FakeSlack;
  slack: SlackApp;
  store: IncidentStore;
  audit: RedisAuditLog;
  queues: Queues;
  logger: ReturnType<typeof recordingLogger>;
  clock: Clock;
  prefix: string;
  redis: Redis;
  /** http://127.0.0.1:P/slack/events (HTTP mode). */
  eventsUrl: string;
  decisions: Array<{ action: string; outcome: string }>;
  slackErrors: Array<{ method: string; error: string }>;
  /** Stores an incident and posts its message to the fake Slack, as a scan would. */
  seedIncident(overrides?: Partial<IncidentReport>): Promise<IncidentReport & { slack: SlackRef }>;
  auditFor(incidentId: string): Promise<AuditEntry[]>;
  close(): Promise<void>;
}

let seq = 0;

export async function startHarness(opts: { socketMode?: boolean; deps?: Partial<SlackAppDeps> } = {}): Promise<Harness> {
  const prefix = uniquePrefix('slack');
  const fake = await startFakeSlack();
  const redis = await connectRedis(SHARED_REDIS_URL, 'store');
  const queueRedis = await connectRedis(SHARED_REDIS_URL, 'queue');
  const store = createIncidentStore({ redis, prefix, retentionDays: 1 });
  const clock: Clock = { now: () => new Date() };
  const audit = new RedisAuditLog(redis, prefix, clock);
  const queues = createQueues({ connection: queueRedis, prefix: `${prefix}bull` });
  const logger = recordingLogger();
  const decisions: Harness['decisions'] = [];
  const slackErrors: Harness['slackErrors'] = [];
  const slack = createSlackApp({
    botToken: fake.identity.botToken,
    ...(opts.socketMode ? { appToken: fake.identity.appToken } : { signingSecret: fake.identity.signingSecret }),
    apiUrl: fake.apiUrl,
    port: 0,
    host: '127.0.0.1',
    channelId: CHANNEL,
    store,
    audit,
    queue: queues,
    policies: POLICIES,
    clock,
    logger,
    onDecision: (action, outcome) => decisions.push({ action, outcome }),
    onSlackError: (method, error) => slackErrors.push({ method, error }),
    ...opts.deps,
  });
  await slack.start();
  if (opts.socketMode) await fake.socket.waitForConnection();

  return {
    fake,
    slack,
    store,
    audit,
    queues,
    logger,
    clock,
    prefix,
    redis,
    eventsUrl: `http://127.0.0.1:${slack.port ?? 0}/slack/events`,
    decisions,
    slackErrors,
    async seedIncident(overrides = {}) {
      seq += 1;
      const report = incidentReport({
        id: `inc-slack-${seq}-${Math.random().toString(36).slice(2, 8)}`,
        fingerprint: `demo/Deployment/checkout-${seq}/app/OOMKilled/${prefix}`,
        firstSeen: new Date(Date.now() - 600_000).toISOString(),
        lastSeen: new Date(Date.now() - 60_000).toISOString(),
        ...overrides,
      });
      const claimed = await store.claim(report.fingerprint, report);
      if (!claimed.created) throw new Error('seed: fingerprint already claimed');
      const ref = await slack.notifier.postIncident(claimed.report);
      const withRef = await store.setSlackRef(report.id, ref);
      if (!withRef?.slack) throw new Error('seed: slack ref not stored');
      return withRef as IncidentReport & { slack: SlackRef };
    },
    async auditFor(incidentId) {
      const all = await audit.latest(1000);
      return all.filter((e) => e.incidentId === incidentId).reverse();
    },
    async close() {
      await slack.stop().catch(() => undefined);
      await fake.close();
      await queues.close();
      await deleteKeysUnder(redis, prefix);
      await Promise.all([redis.quit(), queueRedis.quit()]);
    },
  };
}
