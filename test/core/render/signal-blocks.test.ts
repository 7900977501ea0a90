// The signals block of the incident message: warnings only, escaped, after what happened; no
// block at all without warnings (messages without Prometheus stay byte for byte the same).
import { describe, expect, it } from 'vitest';
import { renderIncidentMessage } from '../../../src/core/render/incident-blocks.ts';
import { SIGNALS_BLOCK_ID, signalBlocks } from '../../../src/core/render/signal-blocks.ts';
import type { IncidentSignals, Signal } from '../../../src/core/signals/signal.ts';
import { incidentReport } from '../../fixtures/incidents/report.ts';

const signal = (text: string, level: Signal['level'] = 'warning'): Signal => ({ id: 'cpu_throttling', scope: 'container', level, text, value: 1 });
const signals = (list: Signal[]): IncidentSignals => ({ source: 'prometheus', windowMinutes: 10, at: '2025-03-04T09:12:41.000Z', signals: list });

describe('signalBlocks', () => {
  it('shows the warnings in one context block right after what happened', () => {
    const report = incidentReport({ signals: signals([
      signal('CPU throttled 78% of periods in the 10 min before the OOM (4680 of 6000 CFS periods)'),
      signal('node worker-1 under MemoryPressure in the 10 min before the OOM'),
      signal('working set growing +2 MiB/min in the 10 min before the OOM', 'info'),
    ]) });
    const { blocks } = renderIncidentMessage(report);
    const ids = blocks.map((b) => b.block_id);
    expect(ids.indexOf(SIGNALS_BLOCK_ID)).toBe(ids.indexOf('incident_what') + 2);
    expect(blocks[ids.indexOf(SIGNALS_BLOCK_ID)]).toEqual({
      type: 'context',
      block_id: SIGNALS_BLOCK_ID,
      elements: [{ type: 'mrkdwn', text: '📈 *Signals from Prometheus*\n• CPU throttled 78% of periods in the 10 min before the OOM (4680 of 6000 CFS periods)\n• node worker-1 under MemoryPressure in the 10 min before the OOM' }],
    });
  });

  it('renders exactly the message it rendered before when there are no warnings', () => {
    const without = renderIncidentMessage(incidentReport());
    expect(renderIncidentMessage(incidentReport({ signals: signals([]) }))).toEqual(without);
    expect(renderIncidentMessage(incidentReport({ signals: signals([signal('CPU throttled 3% of periods', 'info')]) }))).toEqual(without);
  });

  it('escapes what Prometheus labels carry and keeps the block small', () => {
    const many = Array.from({ length: 8 }, (_, i) => signal(`node <!channel> ${i} ${'x'.repeat(400)}`));
    const [block] = signalBlocks({ signals: signals(many) });
    const text = (block as { elements: Array<{ text: string }> }).elements[0]!.text;
    expect(text).not.toContain('<!channel>');
    expect(text).toContain('&lt;!channel&gt;');
    expect(text.split('\n')).toHaveLength(7);
    expect(text.endsWith('_… 3 more_')).toBe(true);
    expect(text.length).toBeLessThan(1500);
  });
});
