// Questions in an incident's thread are answered with its Prometheus signals too, when it has any.
import { describe, expect, it } from 'vitest';
import { incidentContextLines } from '../../../src/core/qa/thread-prompt.ts';
import { incidentReport } from '../../fixtures/incidents/report.ts';

describe('incidentContextLines with signals', () => {
  it('adds one line with the signals, warnings first as stored', () => {
    const lines = incidentContextLines(incidentReport({ signals: { source: 'prometheus', windowMinutes: 10, at: '2025-03-04T09:12:41.000Z', signals: [
      { id: 'cpu_throttling', scope: 'container', level: 'warning', value: 0.78, text: 'CPU throttled 78% of periods in the 10 min before the OOM (4680 of 6000 CFS periods)' },
      { id: 'memory_growth', scope: 'container', level: 'info', value: 1, text: 'working set growing +2 MiB/min in the 10 min before the OOM' },
    ] } }));
    expect(lines).toContain('Prometheus signals (10 min before 2025-03-04T09:12:41.000Z): warning: CPU throttled 78% of periods in the 10 min before the OOM (4680 of 6000 CFS periods); info: working set growing +2 MiB/min in the 10 min before the OOM');
  });

  it('is unchanged without signals, or with none noteworthy', () => {
    const without = incidentContextLines(incidentReport());
    expect(without.some((l) => l.startsWith('Prometheus'))).toBe(false);
    expect(incidentContextLines(incidentReport({ signals: { source: 'prometheus', windowMinutes: 10, at: '2025-03-04T09:12:41.000Z', signals: [] } }))).toEqual(without);
  });
});
