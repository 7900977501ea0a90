// Acknowledge / Mute / Unmute against the real store and the real audit trail: who may, what is
// stored on the incident and its fingerprint, and one audit entry per click, refusals included.
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisAuditLog } from '../../src/adapters/redis/audit-log.ts';
import { connectRedis } from '../../src/adapters/redis/connection.ts';
import { createIncidentStore } from '../../src/adapters/redis/incident-store.ts';
import { analysisKey } from '../../src/core/incident/tracking.ts';
import type { IncidentReport } from '../../src/core/model.ts';
import { silentLogger } from '../../src/logging.ts';
import type { Clock, IncidentStore } from '../../src/ports.ts';
import { attendIncident, type AttendDeps } from '../../src/usecases/attend-incident.ts';
import { incidentReport } from '../fixtures/incidents/report.ts';
import { deleteKeysUnder, SHARED_REDIS_URL, uniquePrefix } from '../support/redis-keys.ts';

const prefix = uniquePrefix('attend');
const NOW = new Date('2026-11-28T10:00:00.000Z');
const clock: Clock = { now: () => NOW };
const APPROVER = 'U0123ABCD'; // the fixture verdict's approver
let redis: Redis;
let store: IncidentStore;
let audit: RedisAuditLog;
let deps: AttendDeps;
let n = 0;

beforeAll(async () => {
  redis = await connectRedis(SHARED_REDIS_URL, 'store');
  store = createIncidentStore({ redis, prefix, retentionDays: 1 });
  audit = new RedisAuditLog(redis, prefix, clock);
  deps = { store, audit, clock, logger: silentLogger };
});

afterAll(async () => {
  await deleteKeysUnder(redis, prefix);
  await redis.quit();
});

/** A crash-loop incident (no resource decision), stored. */
async function crashIncident(overrides: Partial<IncidentReport> = {}): Promise<IncidentReport> {
  n += 1;
  const base = incidentReport();
  const report = incidentReport({
    id: `crash-attend-${n}`,
    fingerprint: `crash-attend-fp-${n}`,
    detection: { ...base.detection, kind: 'CrashLoop', reason: 'Error', exitCode: 1 },
    recommendation: { limit: '', limitBytes: 0, rule: 'none', basis: 'a crash incident (CrashLoop) is not fixed by a memory limit' },
    verdict: { ...base.verdict, allowed: false, approvers: [APPROVER] },
    ...overrides,
  });
  const claim = await store.claim(report.fingerprint, report);
  return claim.report;
}

async function entriesFor(id: string) {
  const out = [];
  for await (const e of audit.export()) if (e.incidentId === id) out.push(e);
  return out;
}

describe('attendIncident', () => {
  it('acknowledges once, stores who and when, and audits it', async () => {
    const r = await crashIncident();
    const first = await attendIncident(deps, { incidentId: r.id, userId: APPROVER, userName: 'alice', action: 'acknowledge' });
    expect(first).toMatchObject({ ok: true, report: { acknowledged: { userId: APPROVER, userName: 'alice', at: NOW.toISOString() } } });
    expect((await store.get(r.id))?.acknowledged?.userId).toBe(APPROVER);

    const again = await attendIncident(deps, { incidentId: r.id, userId: APPROVER, action: 'acknowledge' });
    expect(again).toMatchObject({ ok: false, message: expect.stringMatching(/already acknowledged/) });
    expect((await entriesFor(r.id)).map((e) => [e.action, e.outcome])).toEqual([
      ['acknowledged', 'acknowledged'],
      ['acknowledged', expect.stringMatching(/^refused: incident .* was already acknowledged/)],
    ]);
    expect((await entriesFor(r.id))[0]).toMatchObject({
      actor: APPROVER, actorName: 'alice',
      subject: { namespace: r.detection.namespace, workload: r.workload, container: r.detection.container, kind: r.detection.kind, family: 'crash', fingerprint: r.fingerprint },
    });
  });

  it('mutes the incident and its fingerprint for the chosen time, then unmutes both', async () => {
    const r = await crashIncident();
    const muted = await attendIncident(deps, { incidentId: r.id, userId: APPROVER, action: 'mute', duration: '4h' });
    expect(muted).toMatchObject({ ok: true, message: 'Incident muted for 4 hours.', report: { mute: { userId: APPROVER, until: '2026-11-28T14:00:00.000Z' } } });
    expect(await store.getMute(r.fingerprint)).toEqual({
      fingerprint: r.fingerprint, until: '2026-11-28T14:00:00.000Z', userId: APPROVER, at: NOW.toISOString(), analysisKey: analysisKey(r.detection),
    });
    // The fingerprint's mute expires with the mute: its TTL is the time left.
    const ttl = await redis.pttl(`${prefix}mute:${r.fingerprint}`);
    expect(ttl).toBeGreaterThan(4 * 3_600_000 - 60_000);
    expect(ttl).toBeLessThanOrEqual(4 * 3_600_000);

    const unmuted = await attendIncident(deps, { incidentId: r.id, userId: APPROVER, action: 'unmute' });
    expect(unmuted.ok && unmuted.report.mute).toBeUndefined();
    expect(await store.getMute(r.fingerprint)).toBeUndefined();
    const entries = await entriesFor(r.id);
    expect(entries.map((e) => [e.action, e.outcome, e.details?.until])).toEqual([
      ['muted', 'muted for 4 hours', '2026-11-28T14:00:00.000Z'],
      ['unmuted', 'unmuted', undefined],
    ]);
    expect((await audit.verify()).ok).toBe(true);
  });

  it.each([
    { name: 'a non-approver', input: { userId: 'U0NOTALLOWED', action: 'mute' as const, duration: '1h' }, message: /Only the approvers named by policy default/, outcome: 'refused: not an approver' },
    { name: 'an unknown duration', input: { userId: APPROVER, action: 'mute' as const, duration: '2h' }, message: /Choose how long to mute/, outcome: 'refused: unknown duration "2h"' },
    { name: 'unmuting what is not muted', input: { userId: APPROVER, action: 'unmute' as const }, message: /is not muted/, outcome: expect.stringMatching(/^refused: incident .* is not muted$/) },
  ])('refuses $name, changes nothing and audits the refusal', async ({ input, message, outcome }) => {
    const r = await crashIncident();
    const result = await attendIncident(deps, { incidentId: r.id, ...input });
    expect(result).toMatchObject({ ok: false, message: expect.stringMatching(message) });
    const stored = await store.get(r.id);
    expect(stored?.mute).toBeUndefined();
    expect(await store.getMute(r.fingerprint)).toBeUndefined();
    expect((await entriesFor(r.id)).map((e) => [e.actor, e.outcome])).toEqual([[input.userId, outcome]]);
  });

  it('refuses memory incidents: they are approved or rejected', async () => {
    n += 1;
    const memory = (await store.claim(`oom-attend-${n}`, incidentReport({ id: `oom-attend-${n}`, fingerprint: `oom-attend-${n}` }))).report;
    const result = await attendIncident(deps, { incidentId: memory.id, userId: APPROVER, action: 'mute', duration: '1h' });
    expect(result).toMatchObject({ ok: false, message: expect.stringMatching(/decided with Approve or Reject/) });
  });

  it('says so for an incident that is gone', async () => {
    const result = await attendIncident(deps, { incidentId: 'crash-nowhere', userId: APPROVER, action: 'acknowledge' });
    expect(result).toMatchObject({ ok: false, message: expect.stringMatching(/no longer in the store/) });
  });
});
