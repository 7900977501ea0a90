// One channel may serve several clusters: every place an incident is shown names its cluster,
// escaped like any other name, and reports stored before clusters were recorded read as before.
import { describe, expect, it } from 'vitest';
import type { HeaderBlock, SectionBlock } from '../../../src/core/render/block-kit.ts';
import { historyReply, incidentsReply } from '../../../src/core/render/command-replies.ts';
import { renderIncidentMessage } from '../../../src/core/render/incident-blocks.ts';
import { summarizeHistory } from '../../../src/core/incident/history.ts';
import { computeScorecard, renderScorecard } from '../../../src/core/stats/scorecard.ts';
import { incidentReport } from '../../fixtures/incidents/report.ts';

const inA = incidentReport({ cluster: 'prod-eu' });
const legacy = incidentReport();

function header(report: typeof inA): string {
  const block = renderIncidentMessage(report).blocks.find((b) => b.type === 'header') as HeaderBlock;
  return block.text.text;
}

function namespaceField(report: typeof inA): string {
  const what = renderIncidentMessage(report).blocks.find((b) => b.block_id === 'incident_what') as SectionBlock;
  return what.fields!.map((f) => f.text).find((t) => t.startsWith('*Namespace*'))!;
}

describe('the cluster on incident messages', () => {
  it('leads the place in the header and sits beside the namespace', () => {
    expect(header(inA)).toMatch(/Deployment\/checkout in prod-eu\/demo$/);
    expect(namespaceField(inA)).toBe('*Namespace*\n`demo` in cluster `prod-eu`');
  });

  it('is absent for a report stored before clusters were recorded', () => {
    expect(header(legacy)).toMatch(/Deployment\/checkout in demo$/);
    expect(namespaceField(legacy)).toBe('*Namespace*\n`demo`');
  });
});

describe('the cluster in command answers', () => {
  it('/sre incidents names each incident\'s cluster, escaped', () => {
    const text = incidentsReply([inA, incidentReport({ id: 'inc-2', cluster: 'x<!here>' }), legacy]);
    expect(text).toContain('Deployment/checkout in prod-eu/demo');
    expect(text).toContain('in x&lt;!here&gt;/demo');
    expect(text).not.toContain('<!here>');
    expect(text).toContain('Deployment/checkout in demo —');
  });

  it('/sre history says which cluster each past incident was in', () => {
    const text = historyReply('demo/checkout', [{ namespace: 'demo', workload: inA.workload, history: summarizeHistory([inA, legacy], 10) }]);
    expect(text.split('\n').filter((l) => l.startsWith('•')).map((l) => l.includes('on cluster prod-eu'))).toEqual([true, false]);
  });

  it('/sre stats counts incidents per cluster when clusters are recorded', () => {
    const now = '2026-11-05T12:00:00Z';
    const card = computeScorecard([inA, incidentReport({ id: 'b1', cluster: 'b' }), incidentReport({ id: 'a2', cluster: 'prod-eu' }), legacy], { now });
    expect(card.clusters).toEqual([{ cluster: 'prod-eu', incidents: 2 }, { cluster: 'b', incidents: 1 }]);
    expect(renderScorecard(card)).toContain('By cluster: prod-eu 2 · b 1');
    expect(renderScorecard(computeScorecard([legacy], { now }))).not.toContain('By cluster');
  });
});
