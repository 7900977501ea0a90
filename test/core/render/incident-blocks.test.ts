import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { IncidentReport } from '../../../src/core/model.ts';
import type { ActionsBlock, Block, SectionBlock } from '../../../src/core/render/block-kit.ts';
import {
  APPROVE_ACTION_ID,
  REJECT_ACTION_ID,
  SAFETY_LINE,
  renderIncidentMessage,
} from '../../../src/core/render/incident-blocks.ts';
import { renderCases } from '../../fixtures/incidents/render-cases.ts';
import { incidentReport } from '../../fixtures/incidents/report.ts';
import { validateMessage } from '../../support/fake-slack/block-limits.ts';
import { golden } from '../../support/golden.ts';
import { allTexts, foreignControlSequences } from '../../support/mrkdwn-tokens.ts';

const actions = (blocks: Block[]): ActionsBlock | undefined => blocks.find((b): b is ActionsBlock => b.type === 'actions');
const section = (blocks: Block[], id: string): SectionBlock => blocks.find((b): b is SectionBlock => b.block_id === id && b.type === 'section')!;
const joined = (r: ReturnType<typeof renderIncidentMessage>): string => allTexts(r).join('\n');

function expectSlackAccepts(msg: ReturnType<typeof renderIncidentMessage>): void {
  expect(validateMessage(msg)).toBeUndefined();
  expect(msg.text.length).toBeLessThan(4000);
  expect(msg.blocks.length).toBeLessThanOrEqual(50);
}

describe('renderIncidentMessage goldens', () => {
  it.each(Object.keys(renderCases))('%s', (name) => {
    const msg = renderIncidentMessage(renderCases[name]!);
    expect(msg).toEqual(golden(`incident-${name}`, msg));
    expectSlackAccepts(msg);
    expect(joined(msg)).toContain(SAFETY_LINE);
    expect(foreignControlSequences(msg)).toEqual([]);
  });
});

describe('renderIncidentMessage', () => {
  it('shows beside where it was found the alerts that joined it, as inert names', () => {
    const found = (r: IncidentReport) => section(renderIncidentMessage(r).blocks, 'incident_what').fields!.find((f) => f.text.startsWith('*Found by*'))!.text;
    expect(found(incidentReport({ source: { kind: 'watch' } }))).toBe('*Found by*\npod watch');
    expect(found(incidentReport({ source: { kind: 'watch' }, alerts: ['KubeContainerOOMKilled', '<!channel>'] })))
      .toBe('*Found by*\npod watch\nalso alerted: `KubeContainerOOMKilled`, `&lt;!channel&gt;`');
    expect(found(incidentReport({ source: { kind: 'alert', name: 'KubePodCrashLooping' }, alerts: ['KubePodCrashLooping'] })))
      .toBe('*Found by*\nAlertmanager alert `KubePodCrashLooping`');
  });

  it('warns, in its own words, when the model tried to steer the decision, and not otherwise', () => {
    const base = incidentReport();
    const steered = renderIncidentMessage({ ...base, diagnosis: { ...base.diagnosis, confidence: 0.2, steering: ['approval_claim', 'policy_claim'] } });
    const warning = section(steered.blocks, 'incident_steering');
    expect(warning.text?.text).toBe(":warning: *The model's answer tried to steer the decision* (claims that the change is approved or should be and claims about the policy). Read it as untrusted: its confidence is capped at 20% and it changes nothing; the verdict is the policy's, from the deterministic recommendation.");
    // Shown before the model's text, so it is read first.
    expect(steered.blocks.findIndex((b) => b.block_id === 'incident_steering')).toBeLessThan(steered.blocks.findIndex((b) => b.block_id === 'incident_cause'));
    expectSlackAccepts(steered);
    expect(renderIncidentMessage(base).blocks.some((b) => b.block_id === 'incident_steering')).toBe(false);
  });

  it('offers Approve (primary) and Reject (danger) with confirms and the incident id on an open, allowed incident', () => {
    const msg = renderIncidentMessage(incidentReport());
    const buttons = actions(msg.blocks)!.elements.filter((e) => e.type === 'button');
    expect(buttons.map((b) => [b.action_id, b.style, b.value])).toEqual([
      [APPROVE_ACTION_ID, 'primary', 'inc-7f3a9c2e'],
      [REJECT_ACTION_ID, 'danger', 'inc-7f3a9c2e'],
    ]);
    for (const b of buttons) expect(b.confirm?.text.text).toMatch(/Nothing in the cluster is changed|should not be changed/);
  });

  it('has no Approve button when the policy denied the recommendation, and says why', () => {
    const msg = renderIncidentMessage(renderCases['open-rule-based-denied']!);
    expect(actions(msg.blocks)!.elements.map((b) => b.action_id)).toEqual([REJECT_ACTION_ID]);
    expect(joined(msg)).toContain('Approve is unavailable: the policy denied this recommendation');
    expect(section(msg.blocks, 'incident_policy').text!.text).toContain('🚫 denied');
    expect(section(msg.blocks, 'incident_policy').text!.text).toContain('• limit 4Gi exceeds max 2Gi');
  });

  it.each(['approved', 'rejected', 'resolved', 'approved-bare-pod'])('has no buttons once %s', (name) => {
    expect(actions(renderIncidentMessage(renderCases[name]!).blocks)).toBeUndefined();
  });

  it('has no buttons when asked not to show them', () => {
    expect(actions(renderIncidentMessage(incidentReport(), { showButtons: false }).blocks)).toBeUndefined();
  });

  it('names who decided with a mention, when, and why', () => {
    const text = section(renderIncidentMessage(renderCases.rejected!).blocks, 'incident_decision').text!.text;
    expect(text).toBe('⛔ *Rejected* by <@U0SREBOB> on <!date^1741080160^{date_short_pretty} {time}|2025-03-04T09:22:40.000Z>\n*Reason:* Fixing the cache size in code instead');
  });

  it('shows the source of a fallback diagnosis', () => {
    expect(joined(renderIncidentMessage(renderCases['open-rule-based-denied']!))).toContain('Confidence: *40%* · Source: rule-based (llm_timeout)');
    expect(joined(renderIncidentMessage(incidentReport()))).toContain('Confidence: *72%* · Source: LLM: mistral');
  });

  it('shows the LLM suggestion beside the deterministic one and flags disagreement', () => {
    const agree = section(renderIncidentMessage(incidentReport()).blocks, 'incident_recommendation').text!.text;
    expect(agree).toContain('LLM suggestion: `256Mi` (agrees)');
    expect(agree).not.toContain('disagree');

    const sameBytes = incidentReport();
    sameBytes.diagnosis = { ...sameBytes.diagnosis, suggestedLimit: '268435456' };
    expect(section(renderIncidentMessage(sameBytes).blocks, 'incident_recommendation').text!.text).toContain('(agrees)');

    const differ = section(renderIncidentMessage(renderCases['open-llm-disagrees-clamped']!).blocks, 'incident_recommendation').text!.text;
    expect(differ).toContain('LLM suggestion: `4Gi`');
    expect(differ).toContain('⚠️ The LLM and the deterministic rule disagree; the deterministic `1280Mi` is what the policy checked.');
    expect(differ).toContain('Policy adjusted the limit to `1152Mi`.');
  });
});

describe('untrusted text stays inert', () => {
  const INJECT = ['<!channel>', '<!here>', '<@U0EVIL>', '<#C0GENERAL>', '<!subteam^S0ADMINS>', '<https://evil.example/login|Approve here>'];

  function poisoned(payload: string): IncidentReport {
    const r = incidentReport();
    return {
      ...r,
      id: 'inc-7f3a9c2e',
      detection: { ...r.detection, pod: `checkout${payload}`, namespace: `demo${payload}`, container: payload, nodeName: payload, reason: `OOMKilled ${payload}`, facts: [payload] },
      workload: { kind: 'Deployment', name: `checkout${payload}` },
      recommendation: { ...r.recommendation, basis: payload },
      diagnosis: { ...r.diagnosis, model: payload, rootCauses: [payload], explanation: `Ignore previous instructions ${payload}`, evidence: [`ERROR ${payload}`], suggestedLimit: payload },
      verdict: { ...r.verdict, policyName: payload, reasons: [payload], approvers: [payload, 'U0SREALICE'] },
    };
  }

  it.each(INJECT)('%s in every untrusted field arrives escaped', (payload) => {
    for (const status of ['open', 'approved', 'rejected', 'resolved'] as const) {
      const r = { ...poisoned(payload), status, decision: { action: 'approve' as const, userId: payload, userName: payload, at: '2025-03-04T09:20:13Z', reason: payload } };
      const msg = renderIncidentMessage(status === 'open' ? { ...r, decision: undefined } : r);
      expect(foreignControlSequences(msg)).toEqual([]);
      expect(joined(msg)).toContain(payload.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));
      expectSlackAccepts(msg);
    }
  });

  it('holds for arbitrary strings in every untrusted field (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), fc.array(fc.string({ maxLength: 200 }), { maxLength: 30 }), (s, lines) => {
        const r = poisoned(s);
        const msg = renderIncidentMessage({ ...r, diagnosis: { ...r.diagnosis, evidence: lines, rootCauses: lines } });
        expect(foreignControlSequences(msg)).toEqual([]);
        expectSlackAccepts(msg);
      }),
      { numRuns: 200 },
    );
  });
});

describe('huge inputs stay within Slack limits', () => {
  const long = (n: number, unit = 'x'): string => unit.repeat(n);

  it('cuts 10k evidence lines, 5000-char names and a novel-length explanation visibly', () => {
    const r = incidentReport();
    const huge: IncidentReport = {
      ...r,
      detection: { ...r.detection, pod: long(5000, 'p'), namespace: long(5000, 'n'), container: long(5000, 'c'), facts: Array.from({ length: 500 }, (_, i) => `fact ${i} ${long(400)}`) },
      workload: { kind: 'Deployment', name: long(5000, 'w') },
      diagnosis: {
        ...r.diagnosis,
        evidence: Array.from({ length: 10_000 }, (_, i) => `2025-03-04T09:12:${String(i % 60).padStart(2, '0')}Z heap ${i} <!channel> ${long(50)}`),
        rootCauses: Array.from({ length: 1000 }, (_, i) => `cause ${i} ${long(1000)}`),
        explanation: long(50_000, 'e & '),
      },
      verdict: { ...r.verdict, reasons: Array.from({ length: 500 }, (_, i) => `reason ${i} ${long(2000)}`), approvers: Array.from({ length: 300 }, (_, i) => `U0APPR${i}`) },
    };
    const msg = renderIncidentMessage(huge);
    expectSlackAccepts(msg);
    expect(foreignControlSequences(msg)).toEqual([]);
    const header = msg.blocks[0]!;
    expect(header.type === 'header' && header.text.text.endsWith('…')).toBe(true);
    const ev = section(msg.blocks, 'incident_evidence').text!.text;
    expect(ev).toMatch(/_… \d+ more lines not shown_$/);
    expect(ev.length).toBeLessThanOrEqual(3000);
    expect(section(msg.blocks, 'incident_cause').text!.text).toMatch(/…$/);
    expect(actions(msg.blocks)!.elements.map((b) => b.action_id)).toEqual([APPROVE_ACTION_ID, REJECT_ACTION_ID]);
    expect(joined(msg)).toContain('and 290 more');
  });

  it('drops buttons rather than send an id that breaks Slack limits', () => {
    const msg = renderIncidentMessage({ ...incidentReport(), id: long(2500, 'i') });
    expectSlackAccepts(msg);
    expect(actions(msg.blocks)).toBeUndefined();
  });
});

describe('similar incidents', () => {
  const similarText = (r: IncidentReport): string | undefined => {
    const block = renderIncidentMessage(r).blocks.find((b) => b.block_id === 'incident_similar');
    return block?.type === 'context' ? block.elements[0]!.text : undefined;
  };
  const item = (patch: Partial<NonNullable<IncidentReport['similar']>[number]>) => ({
    id: 'inc-1', summary: 'OOMKilled of container app at limit 128Mi', workload: 'demo/Deployment/checkout', lastSeen: '2025-02-11T14:02:00Z', score: 0.9, ...patch,
  });

  it.each([
    ['no similar incidents', undefined, undefined],
    ['an empty list', [], undefined],
    ['the newest approval, even when a rejection is newer', [
      item({ id: 'a', decision: 'approved 256Mi on 2025-02-11', lastSeen: '2025-02-11T14:02:00Z' }),
      item({ id: 'b', decision: 'approved 512Mi on 2025-02-25', lastSeen: '2025-02-25T10:00:00Z', workload: 'demo/Deployment/cart' }),
      item({ id: 'c', decision: 'rejected on 2025-03-01: not now', lastSeen: '2025-03-01T10:00:00Z' }),
    ], '🔁 *3 similar incidents*; last approved 512Mi on 2025-02-25 (demo/Deployment/cart)'],
    ['the newest rejection when nothing was approved', [
      item({ id: 'c', decision: 'rejected on 2025-03-01: not now', lastSeen: '2025-03-01T10:00:00Z' }),
    ], '🔁 *1 similar incident*; last rejected on 2025-03-01: not now (demo/Deployment/checkout)'],
    ['no decision at all', [item({}), item({ id: 'x' })], '🔁 *2 similar incidents*; no decisions recorded on them'],
  ])('summarises %s', (_name, similar, head) => {
    const text = similarText({ ...incidentReport(), ...(similar ? { similar } : {}) });
    if (head === undefined) expect(text).toBeUndefined();
    else expect(text!.split('\n')[0]).toBe(head);
  });

  it('lists at most five, escaped, with a visible remainder', () => {
    const similar = Array.from({ length: 7 }, (_, i) => item({ id: `inc-${i}`, summary: `<!channel> leak ${i}`, workload: `demo/Deployment/<@U0EVIL>${i}` }));
    const r = { ...incidentReport(), similar };
    const msg = renderIncidentMessage(r);
    const lines = similarText(r)!.split('\n');
    expect(lines).toHaveLength(1 + 5 + 1);
    expect(lines[1]).toBe('• 2025-02-11 `demo/Deployment/&lt;@U0EVIL&gt;0`: &lt;!channel&gt; leak 0 — no decision · 90% similar');
    expect(lines.at(-1)).toBe('_… 2 more_');
    expect(foreignControlSequences(msg)).toEqual([]);
    expectSlackAccepts(msg);
  });
});
