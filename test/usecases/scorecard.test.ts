// `/sre stats` over the real incident store: incidents diagnosed by two models and by the rules
// (after a model failure), decided through the real decision use case at known times.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { RedisAuditLog } from '../../src/adapters/redis/audit-log.ts';
import { connectRedis } from '../../src/adapters/redis/connection.ts';
import { createIncidentStore } from '../../src/adapters/redis/incident-store.ts';
import type { Diagnosis, IncidentReport } from '../../src/core/model.ts';
import type { Clock, IncidentStore } from '../../src/ports.ts';
import { silentLogger } from '../../src/logging.ts';
import { decideIncident } from '../../src/usecases/decide.ts';
import { createScorecard } from '../../src/usecases/scorecard.ts';
import { incidentReport } from '../fixtures/incidents/report.ts';
import { deleteKeysUnder, SHARED_REDIS_URL, uniquePrefix } from '../support/redis-keys.ts';

const prefix = uniquePrefix('scorecard');
let redis: Redis;
let store: IncidentStore;
let now = new Date('2026-11-02T09:00:00Z');
const clock: Clock = { now: () => now };
let n = 0;

const base = incidentReport().diagnosis;
const byLlm = (model: string, latencyMs: number): Diagnosis => ({ ...base, source: 'llm', model, promptVersion: 'diagnosis-v1', latencyMs });
const byRules = (fallbackReason: string, latencyMs?: number): Diagnosis => ({
  ...base, source: 'rule-based', model: undefined, suggestedLimit: undefined, promptVersion: 'rules-v1', fallbackReason, ...(latencyMs !== undefined ? { latencyMs } : { latencyMs: undefined }),
});

/** Stores an incident detected at `firstSeen`, then (optionally) decides it `afterMin` minutes later. */
async function incident(diagnosis: Diagnosis, firstSeen: string, decision?: { action: 'approve' | 'reject'; afterMin: number }): Promise<IncidentReport> {
  n += 1;
  const report = incidentReport({ id: `inc-score-${n}`, fingerprint: `demo/Deployment/checkout-${n}/app/OOMKilled`, workload: { kind: 'Deployment', name: `checkout-${n}` }, diagnosis, firstSeen, lastSeen: firstSeen });
  expect((await store.claim(report.fingerprint, report)).created).toBe(true);
  if (!decision) return report;
  now = new Date(Date.parse(firstSeen) + decision.afterMin * 60_000);
  const outcome = await decideIncident(
    { store, audit: new RedisAuditLog(redis, prefix, clock), clock, logger: silentLogger },
    { incidentId: report.id, userId: 'U0SREALICE', userName: 'alice', action: decision.action, ...(decision.action === 'reject' ? { reason: 'not now' } : {}) },
  );
  expect(outcome.ok).toBe(true);
  return report;
}

beforeAll(async () => {
  redis = await connectRedis(SHARED_REDIS_URL, 'store');
  store = createIncidentStore({ redis, prefix, retentionDays: 30 });
  const day = (d: number) => `2026-11-0${d}T09:00:00.000Z`;
  // mistral: 3 approved, 1 rejected, 1 undecided; latencies 4, 6, 8, 9, 30 s; waits 10, 20, 30, 40 min.
  await incident(byLlm('mistral', 8000), day(1), { action: 'approve', afterMin: 10 });
  await incident(byLlm('mistral', 4000), day(2), { action: 'approve', afterMin: 30 });
  await incident(byLlm('mistral', 30_000), day(2), { action: 'reject', afterMin: 20 });
  await incident(byLlm('mistral', 6000), day(3), { action: 'approve', afterMin: 40 });
  await incident(byLlm('mistral', 9000), day(4));
  // llama3.1:8b: 1 approved, 1 rejected; latencies 2 and 3 s; waits 5 min and 2 h.
  await incident(byLlm('llama3.1:8b', 2000), day(3), { action: 'reject', afterMin: 5 });
  await incident(byLlm('llama3.1:8b', 3000), day(4), { action: 'approve', afterMin: 120 });
  // Rules after a model failure: two timeouts (one approved after 15 min, one resolved undecided), one invalid answer.
  await incident(byRules('llm_timeout', 60_000), day(5), { action: 'approve', afterMin: 15 });
  const quiet = await incident(byRules('llm_timeout', 60_000), day(5));
  await store.resolve(quiet.id, '2026-11-06T09:00:00.000Z');
  await incident(byRules('llm_invalid_json', 7000), day(6));
  now = new Date('2026-11-07T12:00:00.000Z');
});

afterAll(async () => {
  await deleteKeysUnder(redis, prefix);
  await redis.quit();
});

describe('createScorecard', () => {
  it('scores each model and the rules from the stored incidents and decisions', async () => {
    const text = await createScorecard({ store, clock })();
    expect(text).toBe([
      '*Model scorecard* — 10 incidents since 2026-11-01 (as of 2026-11-07)',
      'By family: memory 10',
      '',
      '*mistral* · prompt `diagnosis-v1`',
      '5 incidents · 3 approved · 1 rejected · 1 undecided · approval 75%',
      'LLM latency median 8.0 s · p95 30.0 s · detection to decision median 25 min',
      '',
      '*rule-based* · prompt `rules-v1`',
      '3 incidents · 1 approved · 0 rejected · 2 undecided · approval 100%',
      'wait before fallback median 1 min · p95 1 min · detection to decision median 15 min',
      'fallbacks: llm_timeout 2, llm_invalid_json 1',
      '',
      '*llama3.1:8b* · prompt `diagnosis-v1`',
      '2 incidents · 1 approved · 1 rejected · 0 undecided · approval 50%',
      'LLM latency median 2.5 s · p95 3.0 s · detection to decision median 63 min',
    ].join('\n'));
  });

  it('reads only as many incidents as it is allowed, newest first', async () => {
    const text = await createScorecard({ store, clock, limit: 2 })();
    // The two newest: the invalid-JSON fallback (day 6) and one of the day-5 timeouts.
    expect(text).toContain('*Model scorecard* — 2 incidents since 2026-11-05');
    expect(text).toContain('fallbacks: ');
    expect(text).not.toContain('mistral');
  });
});
