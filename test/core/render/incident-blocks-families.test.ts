// Incidents outside memory, rendered from what the real rules detect on real-shaped pods: each
// shows its family, says no resource change is recommended and offers no Approve/Reject.
import { describe, expect, it } from 'vitest';
import { detectIncidents } from '../../../src/core/detection/registry.ts';
import { parsePod } from '../../../src/core/kube/parse.ts';
import type { IncidentReport } from '../../../src/core/model.ts';
import { evaluatePolicy } from '../../../src/core/policy/evaluate.ts';
import { PolicySchema } from '../../../src/core/policy/schema.ts';
import { recommendMemory } from '../../../src/core/recommend/memory.ts';
import { renderIncidentMessage } from '../../../src/core/render/incident-blocks.ts';
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
    expect(msg.blocks.some((b) => b.type === 'actions')).toBe(false);
    expect(msg.text).toContain(`A ${family} incident: no resource change recommended.`);
  });

  it('says which family stayed quiet when resolved', () => {
    const r = { ...reportFor('pod-exit1-crashloop'), status: 'resolved' as const, resolvedAt: '2024-05-14T10:00:00Z' };
    expect(allTexts(renderIncidentMessage(r)).join('\n')).toContain('no new crash incident for this container since');
  });
});
