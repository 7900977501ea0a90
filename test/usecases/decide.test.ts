import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { connectRedis } from '../../src/adapters/redis/connection.ts';
import { createIncidentStore } from '../../src/adapters/redis/incident-store.ts';
import { AuditEntryInputSchema, type AuditEntry, type AuditEntryInput } from '../../src/core/audit/entry.ts';
import type { IncidentReport } from '../../src/core/model.ts';
import type { AuditLog, Clock, IncidentStore } from '../../src/ports.ts';
import { decideIncident, type DecideDeps } from '../../src/usecases/decide.ts';
import { silentLogger } from '../../src/logging.ts';
import { incidentReport } from '../fixtures/incidents/report.ts';
import { deleteKeysUnder, SHARED_REDIS_URL, uniquePrefix } from '../support/redis-keys.ts';

/** Records entries in memory; validates them with the real audit schema so bad entries fail here too. */
class RecordingAuditLog implements AuditLog {
  readonly entries: AuditEntry[] = [];
  async append(input: AuditEntryInput): Promise<AuditEntry> {
    const parsed = AuditEntryInputSchema.parse(input);
    const seq = this.entries.length + 1;
    const entry: AuditEntry = {
      ...parsed,
      seq,
      at: parsed.at ?? '2025-03-04T09:20:00.000Z',
      prevHash: (this.entries.at(-1)?.hash ?? '0'.repeat(64)),
      hash: seq.toString(16).padStart(64, '0'),
    };
    this.entries.push(entry);
    return entry;
  }
  async latest(n: number): Promise<AuditEntry[]> {
    return this.entries.slice(-n).reverse();
  }
  async verify() {
    return { ok: true, entries: this.entries.length };
  }
  async *export(): AsyncIterable<AuditEntry> {
    yield* this.entries;
  }
  /** What the use case appended for one incident, without the fields the log adds. */
  forIncident(id: string): AuditEntryInput[] {
    return this.entries
      .filter((e) => e.incidentId === id)
      .map(({ seq: _seq, prevHash: _prev, hash: _hash, ...input }) => input);
  }
}

const prefix = uniquePrefix('decide');
const clock: Clock = { now: () => new Date('2025-03-04T09:20:00.000Z') };
const redisClients: Redis[] = [];
let store: IncidentStore;
let audit: RecordingAuditLog;
let deps: DecideDeps;
let n = 0;

beforeAll(async () => {
  redisClients.push(await connectRedis(SHARED_REDIS_URL, 'store'));
  store = createIncidentStore({ redis: redisClients[0]!, prefix, retentionDays: 1 });
  audit = new RecordingAuditLog();
  deps = { store, audit, clock, logger: silentLogger };
});

afterAll(async () => {
  await deleteKeysUnder(redisClients[0]!, prefix);
  await Promise.all(redisClients.map((c) => c.quit()));
});

async function stored(overrides: Partial<IncidentReport> = {}): Promise<IncidentReport> {
  n += 1;
  const report = incidentReport({ id: `inc-decide-${n}`, fingerprint: `demo/Deployment/checkout/app/OOMKilled#${n}`, ...overrides });
  const claim = await store.claim(report.fingerprint, report);
  expect(claim.created).toBe(true);
  return claim.report;
}

describe('decideIncident', () => {
  it('records an approver’s approval and audits it once', async () => {
    const report = await stored();
    const outcome = await decideIncident(deps, { incidentId: report.id, userId: 'U0SREALICE', userName: 'alice', action: 'approve' });
    expect(outcome).toMatchObject({
      ok: true,
      report: { status: 'approved', decision: { userId: 'U0SREALICE', userName: 'alice', at: '2025-03-04T09:20:00.000Z' } },
    });
    expect(audit.forIncident(report.id)).toEqual([
      {
        actor: 'U0SREALICE',
        actorName: 'alice',
        action: 'decision',
        incidentId: report.id,
        at: '2025-03-04T09:20:00.000Z',
        // Who decided what about which workload, readable without the incident store.
        subject: {
          namespace: 'demo', workload: { kind: 'Deployment', name: report.workload.name }, pod: report.detection.pod, container: 'app',
          kind: 'OOMCrashLoop', family: 'memory', fingerprint: report.fingerprint,
        },
        verdict: { allowed: true, policyName: 'default' },
        recommendation: { limit: '256Mi', request: '128Mi' },
        outcome: 'approved',
        details: { requested: 'approve' },
      },
    ]);
  });

  it('refuses a non-approver, leaves the incident open and audits the refusal', async () => {
    const report = await stored();
    const outcome = await decideIncident(deps, { incidentId: report.id, userId: 'U0INTERN', action: 'approve' });
    expect(outcome).toMatchObject({ ok: false, refusal: 'not_approver', report: { id: report.id, status: 'open' } });
    if (!outcome.ok) expect(outcome.message).toContain('only the approvers named by policy default');
    expect((await store.get(report.id))?.status).toBe('open');
    expect(audit.forIncident(report.id)).toMatchObject([
      { actor: 'U0INTERN', action: 'decision_refused', outcome: 'refused: not an approver', details: { requested: 'approve' } },
    ]);
  });

  it.each([
    ['approve', { ok: false, refusal: 'policy_denied' }, 'open', 'decision_refused'],
    ['reject', { ok: true, report: { status: 'rejected' } }, 'rejected', 'decision'],
  ] as const)('on a policy-denied incident, %s → %j', async (action, expected, status, auditAction) => {
    const base = incidentReport();
    const report = await stored({ verdict: { ...base.verdict, allowed: false, reasons: ['limit 8Gi above max 4Gi'] } });
    const outcome = await decideIncident(deps, { incidentId: report.id, userId: 'U0SREBOB', action, reason: 'too big' });
    expect(outcome).toMatchObject(expected);
    expect((await store.get(report.id))?.status).toBe(status);
    expect(audit.forIncident(report.id)).toMatchObject([{ action: auditAction, verdict: { allowed: false } }]);
  });

  it('tells a second approver who decided first', async () => {
    const report = await stored();
    await decideIncident(deps, { incidentId: report.id, userId: 'U0SREALICE', action: 'reject', reason: 'app bug' });
    const outcome = await decideIncident(deps, { incidentId: report.id, userId: 'U0SREBOB', action: 'approve' });
    expect(outcome).toMatchObject({ ok: false, refusal: 'already_decided', report: { status: 'rejected' } });
    if (!outcome.ok) expect(outcome.message).toBe('This incident was already rejected by <@U0SREALICE> at 2025-03-04T09:20:00.000Z.');
    expect(audit.forIncident(report.id)).toMatchObject([
      { action: 'decision', outcome: 'rejected', actor: 'U0SREALICE' },
      { action: 'decision_refused', outcome: 'refused: already rejected', actor: 'U0SREBOB', details: { decidedBy: 'U0SREALICE' } },
    ]);
  });

  // A click whose decision was stored but whose answer was lost (Redis failing over between the
  // write and the reply): the user was told it could not be recorded and clicks again.
  it.each([
    ['the same person, the same decision: audited now and shown as recorded', 'U0SREALICE', 'approve', true],
    ['the same person, the other decision: refused as already decided', 'U0SREALICE', 'reject', false],
    ['someone else: refused as already decided', 'U0SREBOB', 'approve', false],
  ] as const)('a decision stored without its audit entry, clicked again by %s', async (_name, userId, action, recovered) => {
    const report = await stored({ verdict: { ...incidentReport().verdict, approvers: ['*'] } });
    const first = await store.decide(report.id, { action: 'approve', userId: 'U0SREALICE', at: '2025-03-04T09:19:00.000Z' });
    expect(first.ok).toBe(true);
    const outcome = await decideIncident(deps, { incidentId: report.id, userId, action });
    if (recovered) {
      expect(outcome).toMatchObject({ ok: true, report: { status: 'approved' }, decision: { userId: 'U0SREALICE', at: '2025-03-04T09:19:00.000Z' } });
      expect(outcome).not.toHaveProperty('auditFailed');
      expect(audit.forIncident(report.id)).toMatchObject([
        { action: 'decision', outcome: 'approved', actor: 'U0SREALICE', at: '2025-03-04T09:19:00.000Z', details: { answeredOnRepeat: true } },
      ]);
      // A third click finds the entry: a plain refusal, and no second decision entry.
      const again = await decideIncident(deps, { incidentId: report.id, userId, action });
      expect(again).toMatchObject({ ok: false, refusal: 'already_decided' });
      expect(audit.forIncident(report.id).filter((e) => e.action === 'decision')).toHaveLength(1);
    } else {
      expect(outcome).toMatchObject({ ok: false, refusal: 'already_decided' });
      expect(audit.forIncident(report.id).map((e) => e.action)).toEqual(['decision_refused']);
    }
  });

  it('audits a double click once: the second click waits for the first one\'s entry', async () => {
    const report = await stored();
    const clicks = await Promise.all([0, 1].map(() => decideIncident(deps, { incidentId: report.id, userId: 'U0SREALICE', action: 'approve' })));
    expect(clicks.filter((o) => o.ok)).toHaveLength(1);
    expect(clicks.filter((o) => !o.ok)).toMatchObject([{ refusal: 'already_decided' }]);
    expect(audit.forIncident(report.id).map((e) => e.action).sort()).toEqual(['decision', 'decision_refused']);
  });

  it('gives exactly one decision and 19 audited refusals for 20 concurrent clicks', async () => {
    const report = await stored({ verdict: { ...incidentReport().verdict, approvers: ['*'] } });
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        decideIncident(deps, { incidentId: report.id, userId: `U0CLICK${i}`, action: i % 3 ? 'approve' : 'reject' }),
      ),
    );
    const recorded = outcomes.filter((o) => o.ok);
    expect(recorded).toHaveLength(1);
    const winner = recorded[0]!.ok ? recorded[0]!.decision.userId : '';
    const refused = outcomes.filter((o) => !o.ok);
    expect(refused).toHaveLength(19);
    for (const o of refused) {
      expect(o).toMatchObject({ refusal: 'already_decided' });
      if (!o.ok) expect(o.message).toContain(`<@${winner}>`);
    }
    const entries = audit.forIncident(report.id);
    expect(entries.filter((e) => e.action === 'decision')).toHaveLength(1);
    expect(entries.filter((e) => e.action === 'decision_refused')).toHaveLength(19);
  });

  it('checks approvers against the policy in force, not the one the incident was analyzed under', async () => {
    const policy = (approvers: string[], protectedNamespaces: string[] = []) => [{
      apiVersion: 'kube-ai-sre/v1' as const, kind: 'MemoryPolicy' as const, metadata: { name: 'default' },
      spec: { namespaces: ['*'], protectedNamespaces, maxMemoryLimit: '4Gi', maxCpuLimit: '4', maxIncreaseFactor: 4, minConfidence: 0, approvers, autoRemediation: false as const },
    }];
    // Alice was an approver when the incident was analyzed, and has since been removed.
    const removed = await stored();
    const refused = await decideIncident({ ...deps, policies: policy(['U0SREBOB']) }, { incidentId: removed.id, userId: 'U0SREALICE', action: 'approve' });
    expect(refused).toMatchObject({ ok: false, refusal: 'not_approver' });
    // The namespace became protected: nobody may approve, rejecting still works.
    const protectedNow = await stored();
    const denied = await decideIncident({ ...deps, policies: policy(['U0SREALICE'], ['demo']) }, { incidentId: protectedNow.id, userId: 'U0SREALICE', action: 'approve' });
    expect(denied).toMatchObject({ ok: false, refusal: 'policy_denied' });
    const rejected = await decideIncident({ ...deps, policies: policy(['U0SREALICE'], ['demo']) }, { incidentId: protectedNow.id, userId: 'U0SREALICE', action: 'reject', reason: 'protected' });
    expect(rejected.ok).toBe(true);
  });

  it('refuses and audits an unknown incident', async () => {
    const outcome = await decideIncident(deps, { incidentId: 'inc-never-existed', userId: 'U0SREALICE', action: 'approve' });
    expect(outcome).toMatchObject({ ok: false, refusal: 'not_found' });
    expect(outcome).not.toHaveProperty('report');
    expect(audit.forIncident('inc-never-existed')).toMatchObject([{ outcome: 'refused: incident not found' }]);
  });

  it('refuses a decision on a resolved incident', async () => {
    const report = await stored();
    await store.resolve(report.id, '2025-03-04T10:00:00Z');
    const outcome = await decideIncident(deps, { incidentId: report.id, userId: 'U0SREALICE', action: 'approve' });
    expect(outcome).toMatchObject({ ok: false, refusal: 'resolved' });
    expect(audit.forIncident(report.id)).toMatchObject([{ outcome: 'refused: incident resolved' }]);
  });

  it('rejects malformed input without auditing', async () => {
    const before = audit.entries.length;
    await expect(
      decideIncident(deps, { incidentId: '', userId: 'U0SREALICE', action: 'approve' }),
    ).rejects.toMatchObject({ code: 'input_invalid' });
    await expect(
      decideIncident(deps, { incidentId: 'inc-1', userId: 'U0SREALICE', action: 'merge' as 'approve' }),
    ).rejects.toMatchObject({ code: 'input_invalid' });
    expect(audit.entries.length).toBe(before);
  });
});
