// Similar past incidents end to end: the real Ollama adapter against the fake Ollama (its
// /api/embed returns bag-of-words vectors, so incidents with the same words point the same way),
// the real incident store and vector store on the shared Redis, and the real analysis job.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { sha256Hex } from '../../src/adapters/hash.ts';
import { createDumpReader } from '../../src/adapters/kubernetes/dump-reader.ts';
import { createOllamaClient } from '../../src/adapters/ollama/llm-client.ts';
import { RedisAuditLog } from '../../src/adapters/redis/audit-log.ts';
import { connectRedis } from '../../src/adapters/redis/connection.ts';
import { createIncidentStore } from '../../src/adapters/redis/incident-store.ts';
import { createIncidentVectors } from '../../src/adapters/redis/incident-vectors.ts';
import { loadPolicies } from '../../src/config/policy-files.ts';
import { analysisKey } from '../../src/core/incident/tracking.ts';
import type { FoundIncident, IncidentReport } from '../../src/core/model.ts';
import { renderIncidentMessage } from '../../src/core/render/incident-blocks.ts';
import { approvedLimit } from '../../src/core/recommend/approved.ts';
import type { Clock, IncidentStore, IncidentVectors, LlmClient } from '../../src/ports.ts';
import { detectNamespace } from '../../src/usecases/detect-namespace.ts';
import { runAnalysis, type RunAnalysisDeps } from '../../src/usecases/run-analysis.ts';
import { createSimilarIncidents, type SimilarIncidents } from '../../src/usecases/similar-incidents.ts';
import { startFakeOllama, type FakeOllama } from '../support/fake-ollama.ts';
import { kubeFixture } from '../fixtures/kube/load.ts';
import { incidentFamily } from '../../src/core/detection/family.ts';
import { recordingLogger, type RecordingLogger } from '../support/recording-logger.ts';
import { deleteKeysUnder, SHARED_REDIS_URL, uniquePrefix } from '../support/redis-keys.ts';
import { freePort } from '../support/test-cluster/free-port.ts';

const prefix = uniquePrefix('similar-incidents');
let fake: FakeOllama;
let redis: Redis;
let store: IncidentStore;
let vectors: IncidentVectors;
let llm: LlmClient;
let baseDeps: Omit<RunAnalysisDeps, 'similar'>;
let now = new Date('2026-10-20T09:00:00Z');
const clock: Clock = { now: () => now };
/** web (OOM), api (OOM) and cache (evicted for memory), as the scan finds them in the `shop` dump. */
const found: Record<'web' | 'api' | 'cache', FoundIncident> = {} as never;

function llmClient(host: string, embedModel = 'nomic-embed-text'): LlmClient {
  return createOllamaClient({ host, model: 'mistral', embedModel, timeoutMs: 10_000 });
}

function analyze(deps: RunAnalysisDeps, f: FoundIncident, at: string) {
  now = new Date(at);
  return runAnalysis(deps, { fingerprint: f.fingerprint, namespace: f.detection.namespace, pod: f.detection.pod, found: f, contextKey: sha256Hex(analysisKey(f.detection)) });
}

async function decided(report: IncidentReport, action: 'approve' | 'reject', at: string, reason?: string): Promise<IncidentReport> {
  const outcome = await store.decide(report.id, { action, userId: 'U0SREALICE', userName: 'alice', at, ...(reason ? { reason } : {}) });
  if (!outcome.ok) throw new Error(outcome.reason);
  const closed = await store.resolve(report.id, at);
  if (!closed.ok) throw new Error(closed.reason);
  return closed.report;
}

const lastUserPrompt = (): string => fake.chatRequests().at(-1)!.messages.find((m) => m.role === 'user')!.content;

beforeAll(async () => {
  fake = await startFakeOllama();
  redis = await connectRedis(SHARED_REDIS_URL, 'store');
  store = createIncidentStore({ redis, prefix, retentionDays: 30 });
  vectors = createIncidentVectors({ redis, prefix, retentionDays: 30 });
  llm = llmClient(fake.url);
  const cluster = createDumpReader(kubeFixture('dump-pods-events'));
  const detected = await detectNamespace(cluster, 'shop');
  for (const f of detected.found) {
    const key = ({ web: 'web', api: 'api', cache: 'cache' } as const)[f.workload.name as 'web' | 'api' | 'cache'];
    // The dump also holds a probe-killed web pod (family crash); these tests are about memory.
    if (key && incidentFamily(f.detection.kind) === 'memory') found[key] = f;
  }
  expect(Object.keys(found).sort()).toEqual(['api', 'cache', 'web']);
  baseDeps = {
    cluster, llm, clock, hash: sha256Hex,
    policies: await loadPolicies(new URL('../../policies', import.meta.url).pathname),
    logger: recordingLogger(),
    logLimits: { tailLines: 100, limitBytes: 16_384 },
    store, notifier: undefined, audit: new RedisAuditLog(redis, prefix, clock),
  };
});

afterAll(async () => {
  await deleteKeysUnder(redis, prefix);
  await redis.quit();
  await fake.close();
});

beforeEach(() => {
  fake.setModels(['mistral:latest', 'nomic-embed-text:latest']);
  fake.setBehavior({ kind: 'well' });
});

describe('similar incidents from past decisions', () => {
  let similar: SimilarIncidents;
  const past: Record<'rejected' | 'approved' | 'api' | 'cache', IncidentReport> = {} as never;

  beforeAll(async () => {
    // The fake embeds 64-dimensional bags of words, which score lower than a real model.
    similar = createSimilarIncidents({ llm, vectors, store, logger: recordingLogger(), k: 3, minScore: 0.5 });
    const deps = { ...baseDeps, similar };
    // web twice (rejected, then approved), api once (no decision), the cache eviction once: each
    // analysed, stored and indexed by the analysis job, decided and resolved like in real life.
    const first = (await analyze(deps, found.web, '2026-10-20T09:00:00Z')).report!;
    past.rejected = await decided(first, 'reject', '2026-10-20T09:40:00Z', 'fixing the image cache in code instead');
    await similar.index(past.rejected);
    const second = (await analyze(deps, found.web, '2026-11-02T09:00:00Z')).report!;
    past.approved = await decided(second, 'approve', '2026-11-02T10:15:00Z');
    await similar.index(past.approved);
    past.api = (await analyze(deps, found.api, '2026-11-05T12:00:00Z')).report!;
    past.cache = (await analyze(deps, found.cache, '2026-11-06T12:00:00Z')).report!;
    for (const r of [past.api, past.cache]) await store.resolve(r.id, '2026-11-07T00:00:00Z');
  });

  it('finds the same workload first, with what people decided', async () => {
    const result = await similar.find(found.web);
    expect(result.map((s) => s.id)).toEqual([past.approved.id, past.rejected.id, past.api.id]);
    expect(result.map((s) => s.workload)).toEqual(['shop/Deployment/web', 'shop/Deployment/web', 'shop/Deployment/api']);
    expect(result[0]).toMatchObject({
      decision: `approved ${approvedLimit(past.approved)} on 2026-11-02`,
      recommendedLimit: approvedLimit(past.approved),
      lastSeen: past.approved.lastSeen,
    });
    expect(result[1]!.decision).toBe('rejected on 2026-10-20: fixing the image cache in code instead');
    expect(result[2]!.decision).toBeUndefined();
    for (const s of result) expect(s.score).toBeGreaterThanOrEqual(0.5);
    // The eviction of another workload is the least alike of all.
    const all = await createSimilarIncidents({ llm, vectors, store, logger: recordingLogger(), k: 10, minScore: -1 }).find(found.web);
    expect(all.at(-1)!.id).toBe(past.cache.id);
  });

  it('never returns the incident itself when asked not to', async () => {
    const result = await similar.find(past.approved, { excludeId: past.approved.id });
    expect(result.map((s) => s.id)).not.toContain(past.approved.id);
    expect(result[0]!.id).toBe(past.rejected.id);
  });

  it('gives them to the LLM, keeps them on the report and shows them in the message', async () => {
    const outcome = await analyze({ ...baseDeps, similar }, found.web, '2026-11-20T08:00:00Z');
    expect(outcome.outcome).toBe('stored');
    const report = (await store.get(outcome.report!.id))!;
    expect(report.similar?.map((s) => s.id)).toEqual([past.approved.id, past.rejected.id, past.api.id]);

    const prompt = lastUserPrompt();
    expect(prompt).toContain('Similar past incidents (may or may not be related):');
    expect(prompt).toContain(`shop/Deployment/web: OOMCrashLoop of container app at limit 64Mi`);
    expect(prompt).toContain(`decision: approved ${approvedLimit(past.approved)} on 2026-11-02`);
    expect(prompt).toContain('decision: rejected on 2026-10-20: fixing the image cache in code instead');
    expect(report.diagnosis.source).toBe('llm');

    const msg = renderIncidentMessage(report);
    const block = msg.blocks.find((b) => b.block_id === 'incident_similar');
    expect(block?.type === 'context' ? block.elements[0]!.text : '').toContain(
      `3 similar incidents*; last approved ${approvedLimit(past.approved)} on 2026-11-02 (shop/Deployment/web)`,
    );

    // The new incident was indexed after it was stored: the next one finds it.
    expect((await vectors.all('nomic-embed-text')).map((v) => v.id)).toContain(report.id);
  });
});

describe('without embeddings the analysis goes on', () => {
  function expectOneWarning(logger: RecordingLogger, code: string): void {
    const warnings = logger.entries.filter((e) => e.level === 'warn' && e.fields.component === 'similar-incidents');
    expect(warnings.map((w) => w.fields.code)).toEqual([code]);
  }

  it('finds nothing when the embedding model is not installed, warns once, and the analysis still works', async () => {
    fake.setModels(['mistral:latest']);
    const logger = recordingLogger();
    const similar = createSimilarIncidents({ llm, vectors, store, logger });
    expect(await similar.find(found.api)).toEqual([]);
    await expect(similar.index((await store.listRecent(1))[0]!)).resolves.toBeUndefined();

    const outcome = await analyze({ ...baseDeps, similar }, found.api, '2026-11-21T08:00:00Z');
    expect(outcome.outcome).toBe('stored');
    expect(outcome.report!.diagnosis.source).toBe('llm');
    expect(outcome.report!.similar).toBeUndefined();
    expect(lastUserPrompt()).not.toContain('Similar past incidents');
    expect(renderIncidentMessage(outcome.report!).blocks.some((b) => b.block_id === 'incident_similar')).toBe(false);
    expectOneWarning(logger, 'llm_model_missing');

    // Once the model is pulled, similar incidents come back (and that is logged once).
    fake.setModels(['mistral:latest', 'nomic-embed-text:latest']);
    expect((await similar.find(found.api)).length).toBeGreaterThan(0);
    expect(logger.entries.filter((e) => e.msg === 'similar incidents available again')).toHaveLength(1);
  });

  it('finds nothing when the model server is unreachable', async () => {
    const logger = recordingLogger();
    const similar = createSimilarIncidents({ llm: llmClient(`http://127.0.0.1:${await freePort()}`), vectors, store, logger });
    expect(await similar.find(found.web)).toEqual([]);
    expect(await similar.find(found.web)).toEqual([]);
    expectOneWarning(logger, 'llm_unreachable');
  });

  it('finds nothing when the LLM is disabled', async () => {
    const logger = recordingLogger();
    const similar = createSimilarIncidents({ llm: undefined, vectors, store, logger });
    expect(await similar.find(found.web)).toEqual([]);
    expectOneWarning(logger, 'embeddings_disabled');
  });

  it('finds nothing, and does not throw, when Redis is gone', async () => {
    const dead = await connectRedis(SHARED_REDIS_URL, 'store');
    await dead.quit();
    const logger = recordingLogger();
    const similar = createSimilarIncidents({ llm, vectors: createIncidentVectors({ redis: dead, prefix }), store, logger });
    expect(await similar.find(found.web)).toEqual([]);
    await expect(similar.index((await store.listRecent(1))[0]!)).resolves.toBeUndefined();
    expect(logger.entries.filter((e) => e.level === 'warn')).toHaveLength(1);
  });
});
