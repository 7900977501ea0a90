// Incidents outside memory, rendered from what the real rules detect on real-shaped pods: each
// shows its family, says no resource change is recommended and offers no Approve/Reject.
import { describe, expect, it } from 'vitest';
import { detectIncidents } from '../../../src/core/detection/registry.ts';
import { parsePod } from '../../../src/core/kube/parse.ts';
import type { IncidentReport } from '../../../src/core/model.ts';
import { evaluatePolicy } from '../../../src/core/policy/evaluate.ts';
import { PolicySchema } from '../../../src/core/policy/schema.ts';
import { recommendMemory } from '../../../src/core/recommend/memory.ts';
import {
  ACKNOWLEDGE_ACTION_ID,
  MUTE_ACTION_ID,
  UNMUTE_ACTION_ID,
  parseMuteOptionValue,
  renderIncidentMessage,
} from '../../../src/core/render/incident-blocks.ts';
import { kubeFixture } from '../../fixtures/kube/load.ts';
import { incidentReport } from '../../fixtures/incidents/report.ts';
import { validateMessage } from '../../support/fake-slack/block-limits.ts';
import { allTexts } from '../../support/mrkdwn-tokens.ts';

const policy = PolicySchema.parse({
  apiVersion: 'kube-ai-sre/v1',
  kind: 'MemoryPolicy',
  metadata: { name: 'default' },
  spec: { namespaces: ['*'], maxMemoryLimit: '4Gi', approvers: ['U0123ABCD'] },
});

function reportFor(fixture: string): IncidentReport {
  const [detection] = detectIncidents([parsePod(kubeFixture(fixture))]);
  const base = incidentReport();
  const recommendation = recommendMemory(detection!);
  const verdict = evaluatePolicy([policy], { detection: detection!, recommendation, diagnosis: base.diagnosis });
  return { ...base, detection: detection!, recommendation, verdict };
}

describe('renderIncidentMessage outside memory', () => {
  it.each([
    { fixture: 'pod-exit1-crashloop', family: 'crash', label: 'Crash loop' },
    { fixture: 'pod-imagepullbackoff', family: 'image', label: 'Image pull failure' },
    { fixture: 'pod-create-config-error', family: 'config', label: 'Container config error' },
    { fixture: 'pod-unschedulable', family: 'scheduling', label: 'Unschedulable pod' },
  ])('$fixture: family $family, no resource decision', ({ fixture, family, label }) => {
    const r = reportFor(fixture);
    expect(r.recommendation.rule).toBe('none');
    expect(r.verdict.allowed).toBe(false);
    expect(r.verdict.reasons).toContain(`a ${family} incident carries no resource change to approve: fix the cause shown`);

    const msg = renderIncidentMessage(r);
    expect(validateMessage(msg)).toBeUndefined();
    const text = allTexts(msg).join('\n');
    expect(text).toContain(`🔴 ${label}:`);
    expect(text).toContain(`*What happened* (${family}):`);
    expect(text).toContain('*Recommendation:* no resource change.');
    expect(text).toContain('Nothing to approve or reject');
    const ids = msg.blocks.flatMap((b) => (b.type === 'actions' ? b.elements.map((e) => e.action_id) : []));
    expect(ids).not.toContain('incident_approve');
    expect(ids).not.toContain('incident_reject');
    expect(msg.text).toContain(`A ${family} incident: no resource change recommended.`);
  });

  it('says which family stayed quiet when resolved', () => {
    const r = { ...reportFor('pod-exit1-crashloop'), status: 'resolved' as const, resolvedAt: '2024-05-14T10:00:00Z' };
    expect(allTexts(renderIncidentMessage(r)).join('\n')).toContain('no new crash incident for this container since');
  });
});

describe('Acknowledge and Mute on incidents without a resource decision', () => {
  const actionsOf = (r: IncidentReport) => renderIncidentMessage(r).blocks.find((b) => b.type === 'actions');

  it('offers Acknowledge and a Mute menu of four durations, each naming the incident', () => {
    const r = reportFor('pod-exit1-crashloop');
    const actions = actionsOf(r)!;
    expect(actions.type === 'actions' && actions.elements.map((e) => [e.type, e.action_id])).toEqual([
      ['button', ACKNOWLEDGE_ACTION_ID],
      ['static_select', MUTE_ACTION_ID],
    ]);
    const menu = actions.type === 'actions' ? actions.elements[1] : undefined;
    expect(menu?.type === 'static_select' && menu.options.map((o) => [o.text.text, parseMuteOptionValue(o.value)])).toEqual([
      ['1 hour', { incidentId: r.id, duration: '1h' }],
      ['4 hours', { incidentId: r.id, duration: '4h' }],
      ['1 day', { incidentId: r.id, duration: '24h' }],
      ['7 days', { incidentId: r.id, duration: '7d' }],
    ]);
    expect(validateMessage(renderIncidentMessage(r))).toBeUndefined();
  });

  it('shows who acknowledged and who muted until when, with Unmute instead of the menu', () => {
    const r: IncidentReport = {
      ...reportFor('pod-imagepullbackoff'),
      acknowledged: { userId: 'U0SREALICE', userName: 'alice', at: '2026-11-28T10:00:00.000Z' },
      mute: { userId: 'U0SREBOB', at: '2026-11-28T10:05:00.000Z', until: '2026-11-29T10:05:00.000Z' },
    };
    const msg = renderIncidentMessage(r);
    const text = allTexts(msg).join('\n');
    expect(text).toContain('👀 Acknowledged by <@U0SREALICE>');
    expect(text).toMatch(/🔇 Muted by <@U0SREBOB> until <!date\^\d+\^/);
    const actions = actionsOf(r)!;
    expect(actions.type === 'actions' && actions.elements.map((e) => e.action_id)).toEqual([UNMUTE_ACTION_ID]);
    expect(validateMessage(msg)).toBeUndefined();
  });

  it('parses only well-formed mute values', () => {
    expect(parseMuteOptionValue('crash-1a2b|4h')).toEqual({ incidentId: 'crash-1a2b', duration: '4h' });
    expect(parseMuteOptionValue('a|b|7d')).toEqual({ incidentId: 'a|b', duration: '7d' });
    for (const bad of ['', '|4h', 'crash-1a2b|', 'crash-1a2b']) expect(parseMuteOptionValue(bad)).toBeUndefined();
  });

  it('memory incidents keep Approve and Reject, with no Acknowledge or Mute', () => {
    const actions = actionsOf(incidentReport())!;
    expect(actions.type === 'actions' && actions.elements.map((e) => e.action_id)).toEqual(['incident_approve', 'incident_reject']);
  });
});
