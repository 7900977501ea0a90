import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../../src/core/audit/entry.ts';
import { PolicySchema } from '../../../src/core/policy/schema.ts';
import { auditReply, historyReply, incidentsReply, policiesOverviewReply, policyReply, REPLY_MAX } from '../../../src/core/render/command-replies.ts';
import { noticeText } from '../../../src/core/render/notice-text.ts';
import type { IncidentHistory } from '../../../src/core/incident/history.ts';
import { incidentReport } from '../../fixtures/incidents/report.ts';

const hostile = '<!channel> <@U0EVIL> <https://evil.example|click>';
const noForeignControls = (text: string) =>
  expect((text.match(/<[^<>]*>/g) ?? []).filter((s) => !/^<(@[UW][A-Z0-9]+|!date\^\d+\^\{date_short_pretty\} \{time\}\|[0-9TZ:.-]+|https:\/\/slack\.com\/archives\/[^|>]+\|[^<>]*)>$/.test(s))).toEqual([]);

describe('incidentsReply', () => {
  it('says when nothing is open', () => {
    expect(incidentsReply([])).toBe('No open incidents.');
  });

  it('says an incident without a resource decision is open, not awaiting one', () => {
    const r = incidentReport();
    const crash = { ...r, detection: { ...r.detection, kind: 'CrashLoop' as const, reason: 'Error', exitCode: 1 } };
    const text = incidentsReply([crash]);
    expect(text).toContain('CrashLoop (crash) Deployment/checkout in demo');
    expect(text).toContain(' — open, ');
    expect(text).not.toContain('awaiting a decision');
  });

  it('links each incident to its message and escapes names', () => {
    const a = incidentReport({ slack: { channel: 'C0INCIDENTS', ts: '1741079001.000100' } });
    const b = incidentReport({ id: 'inc-b', workload: { kind: 'Deployment', name: hostile }, status: 'approved' });
    const text = incidentsReply([a, b]);
    expect(text).toContain('*Open incidents* (2):');
    expect(text).toContain('<https://slack.com/archives/C0INCIDENTS/p1741079001000100|OOMCrashLoop (memory) Deployment/checkout in demo>');
    expect(text).toContain('awaiting a decision');
    expect(text).toContain('&lt;!channel&gt;');
    noForeignControls(text);
  });

  it('lists whole lines only, at most 25, within the size limit, and says how many more', () => {
    const many = Array.from({ length: 40 }, (_, i) => incidentReport({ id: `inc-${i}`, slack: { channel: 'C0INCIDENTS', ts: `17410790${String(i).padStart(2, '0')}.000100` } }));
    const text = incidentsReply(many);
    const shown = text.split('\n').filter((l) => l.startsWith('• '));
    expect(shown.length).toBeGreaterThan(10);
    expect(shown.length).toBeLessThanOrEqual(25);
    for (const l of shown) expect(l).toMatch(/^• <https:[^|]+\|[^>]+> — .*last seen <!date\^\d+\^[^>]+>$/);
    expect(text.endsWith(`_… and ${40 - shown.length} more_`)).toBe(true);
    expect(text.length).toBeLessThanOrEqual(REPLY_MAX);
  });
});

describe('historyReply', () => {
  const history: IncidentHistory = {
    count: 3,
    firstSeen: '2025-01-01T00:00:00Z',
    lastSeen: '2025-03-04T09:12:41Z',
    totalOccurrences: 7,
    incidents: [
      { id: 'i3', fingerprint: 'f', status: 'open', kind: 'OOMCrashLoop', container: 'app', firstSeen: '2025-03-04T09:05:10Z', lastSeen: '2025-03-04T09:12:41Z', occurrences: 4, memoryLimit: '256Mi', recommendedLimit: '512Mi' },
      { id: 'i2', fingerprint: 'f', status: 'resolved', kind: 'OOMKilled', container: 'app', firstSeen: '2025-02-01T00:00:00Z', lastSeen: '2025-02-01T01:00:00Z', occurrences: 2, memoryLimit: '128Mi', recommendedLimit: '256Mi', decision: { action: 'approve', userId: 'U0SREALICE', userName: 'alice', at: '2025-02-01T02:00:00Z' }, resolvedAt: '2025-02-03T00:00:00Z' },
      { id: 'i1', fingerprint: 'f', status: 'resolved', kind: 'OOMKilled', container: 'app', firstSeen: '2025-01-01T00:00:00Z', lastSeen: '2025-01-01T01:00:00Z', occurrences: 1, memoryLimit: '128Mi', recommendedLimit: '256Mi', decision: { action: 'reject', userId: 'U0SREBOB', at: '2025-01-01T02:00:00Z', reason: hostile } },
    ],
  };

  it('summarises counts, limits over time and decisions', () => {
    const text = historyReply('demo/checkout', [{ namespace: 'demo', workload: { kind: 'Deployment', name: 'checkout' }, history }]);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^\*Deployment\/checkout\* in demo: 3 incidents, 7 occurrences, first seen <!date\^\d+\^/);
    expect(lines[1]).toBe('Memory limit over time: 128Mi → 256Mi');
    expect(lines[2]).toContain('OOMCrashLoop (memory) in container app: limit 256Mi, recommended 512Mi, 4 occurrences, open');
    expect(lines[3]).toContain('approved by <@U0SREALICE>');
    expect(lines[3]).toContain('; resolved <!date^');
    expect(lines[4]).toContain('rejected by <@U0SREBOB>');
    expect(lines[4]).toContain('&lt;!channel&gt;');
    noForeignControls(text);
  });

  it('shows a CPU incident with its CPU limit, not the memory limit beside a CPU recommendation', () => {
    const cpu: IncidentHistory = {
      count: 1, firstSeen: '2025-03-04T09:00:00Z', lastSeen: '2025-03-04T09:15:00Z', totalOccurrences: 1,
      incidents: [{ id: 'c1', fingerprint: 'g', status: 'open', kind: 'CpuThrottling', container: 'cache', firstSeen: '2025-03-04T09:00:00Z', lastSeen: '2025-03-04T09:15:00Z', occurrences: 1, memoryLimit: '512Mi', cpuLimit: '500m', recommendedLimit: '1100m' }],
    };
    const text = historyReply('shop/session-cache', [{ namespace: 'shop', workload: { kind: 'Deployment', name: 'session-cache' }, history: cpu }]);
    expect(text).toContain('CpuThrottling (cpu) in container cache: CPU limit 500m, recommended 1100m, 1 occurrence, open');
  });

  it('says when nothing is remembered, escaping what was asked', () => {
    expect(historyReply('<!here>', [])).toBe('No incidents remembered for &lt;!here&gt;.');
  });
});

describe('auditReply', () => {
  const entry = (seq: number, over: Partial<AuditEntry> = {}): AuditEntry => ({
    seq,
    at: '2025-03-04T09:20:00.000Z',
    actor: 'U0SREALICE',
    action: 'decision',
    incidentId: 'inc-7f3a9c2e',
    outcome: 'approved',
    prevHash: '0'.repeat(64),
    hash: 'a'.repeat(64),
    ...over,
  });

  it('shows the chain check and the entries newest first', () => {
    const text = auditReply([entry(2, { details: { reason: hostile } }), entry(1, { actor: 'system', action: 'incident_posted', outcome: 'posted' })], { ok: true, entries: 2 });
    const lines = text.split('\n');
    expect(lines[0]).toBe('Chain check: intact (2 entries verified).');
    expect(lines[1]).toBe('*Latest 2 audit entries* (newest first):');
    expect(lines[2]).toMatch(/^• #2 <!date\^\d+\^[^>]+> decision by <@U0SREALICE> inc-7f3a9c2e: approved _reason=&lt;!channel&gt;/);
    expect(lines[3]).toMatch(/^• #1 .* incident_posted by system inc-7f3a9c2e: posted$/);
    noForeignControls(text);
  });

  it('names the actor and what the entry is about when the entry carries them', () => {
    const text = auditReply([entry(3, {
      actorName: 'Alice <M.>',
      subject: { cluster: 'prod-eu', namespace: 'shop', workload: { kind: 'Deployment', name: 'checkout' }, container: 'app', kind: 'OOMKilled', family: 'memory' },
    })], { ok: true, entries: 3 });
    expect(text.split('\n')[2]).toMatch(/^• #3 <!date\^\d+\^[^>]+> decision by <@U0SREALICE> \(Alice &lt;M\.&gt;\) — Deployment\/checkout in shop \(container app\) on prod-eu · OOMKilled \(memory\) inc-7f3a9c2e: approved$/);
    noForeignControls(text);
  });

  it('flags a broken chain and an unreadable one', () => {
    expect(auditReply([], { ok: false, entries: 4, firstBadIndex: 4, problem: 'entry 4 (seq 5) was modified' })).toBe(
      'Chain check: ⚠️ BROKEN at entry 4: entry 4 (seq 5) was modified\nThe audit trail is empty.',
    );
    expect(auditReply([entry(1)], { error: 'store_unavailable' })).toMatch(/^Chain check: could not run \(store_unavailable\)\.\n\*Latest 1 audit entry\*/);
  });
});

describe('policy replies', () => {
  const policies = [
    PolicySchema.parse({ apiVersion: 'kube-ai-sre/v1', kind: 'MemoryPolicy', metadata: { name: 'default' }, spec: { namespaces: ['*'], maxMemoryLimit: '4Gi', approvers: ['U0SREALICE'] } }),
    PolicySchema.parse({ apiVersion: 'kube-ai-sre/v1', kind: 'MemoryPolicy', metadata: { name: 'prod' }, spec: { namespaces: ['prod-*'], protectedNamespaces: ['kube-system'], maxMemoryLimit: '8Gi' } }),
  ];

  it('lists the lines of the effective policy', () => {
    expect(policyReply('demo', ['policy default applies (matched "*")', 'approvers: U0SREALICE'])).toBe(
      '*Policy for namespace demo*\n• policy default applies (matched "*")\n• approvers: U0SREALICE',
    );
  });

  it('summarises every policy when no namespace is given', () => {
    const text = policiesOverviewReply(policies);
    expect(text).toContain('• default: namespaces *; max limit 4Gi, max ×4; approvers <@U0SREALICE>');
    expect(text).toContain('• prod: namespaces prod-*; max limit 8Gi, max ×4; approvers nobody; protects kube-system');
    expect(policiesOverviewReply([])).toBe('No policies are loaded: no incident can be approved.');
  });
});

describe('noticeText', () => {
  it('escapes everything except well-formed user mentions', () => {
    expect(noticeText('already approved by <@U0SREALICE> at 2025 <!channel> & <@bad id>')).toBe(
      'already approved by <@U0SREALICE> at 2025 &lt;!channel&gt; &amp; &lt;@bad id&gt;',
    );
  });
});
