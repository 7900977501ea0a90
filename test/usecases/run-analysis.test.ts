// The analysis job on the real store and audit trail, with the model unreachable (the rule-based
// report): a new incident is stored once, a re-analysis refreshes an undecided incident, and one
// decided while its job waited keeps the analysis it was decided on.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { sha256Hex } from '../../src/adapters/hash.ts';
import { createDumpReader } from '../../src/adapters/kubernetes/dump-reader.ts';
import { createOllamaClient } from '../../src/adapters/ollama/llm-client.ts';
import { RedisAuditLog } from '../../src/adapters/redis/audit-log.ts';
import { connectRedis } from '../../src/adapters/redis/connection.ts';
import { createIncidentStore } from '../../src/adapters/redis/incident-store.ts';
import { loadPolicies } from '../../src/config/policy-files.ts';
import { analysisKey } from '../../src/core/incident/tracking.ts';
import type { FoundIncident, IncidentReport } from '../../src/core/model.ts';
import type { ChatNotifier, IncidentStore, SlackRef } from '../../src/ports.ts';
import { detectNamespace } from '../../src/usecases/detect-namespace.ts';
import { runAnalysis, type RunAnalysisDeps } from '../../src/usecases/run-analysis.ts';
import { kubeFixture } from '../fixtures/kube/load.ts';
import { deleteKeysUnder, SHARED_REDIS_URL, uniquePrefix } from '../support/redis-keys.ts';
import { freePort } from '../support/test-cluster/free-port.ts';
import { silentLogger } from '../../src/logging.ts';

const NOW = new Date('2026-11-29T06:00:00Z');

describe('runAnalysis', () => {
  let redis: Redis;
  let prefix: string;
  let store: IncidentStore;
  let audit: RedisAuditLog;
  let updates: IncidentReport[];
  let deps: RunAnalysisDeps;
  let web: FoundIncident;

  beforeAll(async () => {
    redis = await connectRedis(SHARED_REDIS_URL, 'store');
    const cluster = createDumpReader(kubeFixture('dump-pods-events'));
    web = (await detectNamespace(cluster, 'shop')).found.find((f) => f.workload.name === 'web' && f.detection.kind.startsWith('OOM'))!;
    expect(web).toBeDefined();
    const notifier: ChatNotifier = {
      postIncident: async (): Promise<SlackRef> => ({ channel: 'C0INCIDENTS', ts: '1.1' }),
      updateIncident: async (r) => { updates.push(r); },
      postText: async () => ({ channel: 'C0INCIDENTS', ts: '2.2' }),
    };
    deps = {
      cluster, clock: { now: () => NOW }, hash: sha256Hex, logger: silentLogger,
      // Nothing listens there: every diagnosis is the rule-based one, at once.
      llm: createOllamaClient({ host: `http://127.0.0.1:${await freePort()}`, model: 'mistral', timeoutMs: 2_000 }),
      policies: await loadPolicies(new URL('../../policies', import.meta.url).pathname),
      logLimits: { tailLines: 100, limitBytes: 16_384 },
      store: undefined as never, audit: undefined as never, notifier,
    };
  });
  afterAll(() => redis.disconnect());

  beforeEach(async () => {
    if (prefix) await deleteKeysUnder(redis, prefix);
    prefix = uniquePrefix('run-analysis');
    store = createIncidentStore({ redis, prefix });
    audit = new RedisAuditLog(redis, prefix);
    updates = [];
    deps = { ...deps, store, audit };
  });
  afterAll(async () => deleteKeysUnder(redis, prefix));

  const job = (incidentId?: string) => ({
    ...(incidentId ? { incidentId } : {}),
    fingerprint: web.fingerprint, namespace: 'shop', pod: web.detection.pod, found: web, contextKey: sha256Hex(analysisKey(web.detection)),
  });

  it('posts a new incident once; the same job again finds it posted', async () => {
    const first = await runAnalysis(deps, job());
    expect(first.outcome).toBe('posted');
    expect(first.report?.diagnosis.source).toBe('rule-based');
    expect((await runAnalysis(deps, job())).outcome).toBe('already-posted');
    expect((await store.listOpen()).map((r) => r.id)).toEqual([first.report!.id]);
  });

  it('refreshes an undecided incident in place and audits the re-analysis', async () => {
    const { report } = await runAnalysis(deps, job());
    const again = await runAnalysis(deps, job(report!.id));
    expect(again.outcome).toBe('updated');
    expect(updates.map((u) => u.id)).toEqual([report!.id]);
    expect((await audit.latest(1))[0]).toMatchObject({ action: 'incident_updated', incidentId: report!.id, outcome: 're-analyzed' });
  });

  it('leaves an incident decided while its job waited as it was decided: no re-analysis audited, no repaint', async () => {
    const { report } = await runAnalysis(deps, job());
    const decided = await store.decide(report!.id, { action: 'approve', userId: 'U0SREALICE', userName: 'alice', at: NOW.toISOString() });
    expect(decided.ok).toBe(true);
    const [before] = await audit.latest(1);
    const again = await runAnalysis(deps, job(report!.id));
    expect(again.outcome).toBe('closed');
    expect(updates).toEqual([]);
    expect((await audit.latest(1))[0]?.seq).toBe(before?.seq);
    expect((await store.get(report!.id))?.status).toBe('approved');
  });
});
