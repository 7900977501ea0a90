import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../../src/adapters/hash.ts';
import { AuditEntrySchema, GENESIS_HASH, chainEntry, checkLink } from '../../../src/core/audit/entry.ts';
import { auditSubject, describeSubject } from '../../../src/core/audit/subject.ts';
import { incidentReport } from '../../fixtures/incidents/report.ts';

/** A trail written by the agent before entries carried a subject and an actor name (stream rows as stored). */
export const OLD_TRAIL = readFileSync(new URL('../../fixtures/audit/trail-before-subjects.jsonl', import.meta.url), 'utf8')
  .trim().split('\n').map((l) => JSON.parse(l) as { id: string; seq: string; hash: string; entry: string });

describe('auditSubject', () => {
  it('names the namespace, workload, pod, container, kind, family and fingerprint, and the cluster when known', () => {
    const r = incidentReport();
    expect(auditSubject(r, 'prod-eu')).toEqual({
      cluster: 'prod-eu', namespace: 'demo', workload: { kind: 'Deployment', name: 'checkout' }, pod: 'checkout-6d8f7b9c5-x2klp',
      container: 'app', kind: 'OOMCrashLoop', family: 'memory', fingerprint: r.fingerprint,
    });
    expect(auditSubject(r)).not.toHaveProperty('cluster');
    expect(describeSubject(auditSubject(r, 'prod-eu'))).toBe('Deployment/checkout in demo (container app) on prod-eu');
    expect(describeSubject({ namespace: 'demo' })).toBe('namespace demo');
  });

  it('chains entries with a subject and an actor name, and refuses unknown subject fields', () => {
    const entry = chainEntry(
      { actor: 'U0SREALICE', actorName: 'Alice M.', action: 'decision', incidentId: 'inc-1', subject: auditSubject(incidentReport()), outcome: 'approved' },
      { seq: 0, hash: GENESIS_HASH }, '2025-03-04T09:20:00.000Z', sha256Hex,
    );
    expect(checkLink(JSON.parse(JSON.stringify(entry)), 0, { seq: 0, hash: GENESIS_HASH }, sha256Hex).ok).toBe(true);
    const tampered = { ...entry, subject: { ...entry.subject, extra: 'x' } };
    expect(AuditEntrySchema.safeParse(tampered).success).toBe(false);
    // Renaming the actor on a stored entry breaks its hash.
    const renamed = { ...entry, actorName: 'Mallory' };
    expect(checkLink(renamed, 0, { seq: 0, hash: GENESIS_HASH }, sha256Hex)).toMatchObject({ ok: false, kind: 'hash_mismatch' });
  });
});

describe('a trail written before subjects and actor names', () => {
  it('still verifies link by link with the current schema', () => {
    expect(OLD_TRAIL.length).toBeGreaterThanOrEqual(10);
    let prev = { seq: 0, hash: GENESIS_HASH };
    for (const [i, row] of OLD_TRAIL.entries()) {
      const link = checkLink(JSON.parse(row.entry), i, prev, sha256Hex);
      expect(link, `entry ${i}`).toMatchObject({ ok: true });
      if (!link.ok) return;
      expect(link.entry).not.toHaveProperty('subject');
      expect(link.entry).not.toHaveProperty('actorName');
      prev = { seq: link.entry.seq, hash: link.entry.hash };
    }
  });
});
