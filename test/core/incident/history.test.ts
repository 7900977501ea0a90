// What `/sre history` and recurrence linking see, from reports alone.
import { describe, expect, it } from 'vitest';
import { summarizeHistory } from '../../../src/core/incident/history.ts';
import { incidentReport } from '../../fixtures/incidents/report.ts';
import { renderCases } from '../../fixtures/incidents/render-cases.ts';

const older = incidentReport({
  id: 'inc-old',
  status: 'resolved',
  firstSeen: '2025-02-01T08:00:00Z',
  lastSeen: '2025-02-01T09:00:00Z',
  occurrences: 3,
  decision: { action: 'reject', userId: 'U0SREBOB', at: '2025-02-01T09:05:00Z', reason: 'app bug' },
  resolvedAt: '2025-02-02T00:00:00Z',
});
const newer = incidentReport({ id: 'inc-new', firstSeen: '2025-03-01T08:00:00Z', lastSeen: '2025-03-01T10:00:00Z' });
const clamped = incidentReport({ id: 'inc-clamped', verdict: { ...newer.verdict, recommendedLimit: '192Mi', clamped: true } });

describe('summarizeHistory', () => {
  it('totals every incident and lists the newest first, at most `limit`', () => {
    const history = summarizeHistory([newer, older], 1);
    expect(history).toMatchObject({ count: 2, firstSeen: '2025-02-01T08:00:00Z', lastSeen: '2025-03-01T10:00:00Z', totalOccurrences: 4 });
    expect(history.incidents).toEqual([
      {
        id: 'inc-new',
        fingerprint: newer.fingerprint,
        status: 'open',
        kind: 'OOMCrashLoop',
        container: 'app',
        firstSeen: '2025-03-01T08:00:00Z',
        lastSeen: '2025-03-01T10:00:00Z',
        occurrences: 1,
        memoryLimit: '128Mi',
        recommendedLimit: '256Mi',
      },
    ]);
  });

  it('keeps decisions and resolutions, and the limit the policy clamped to', () => {
    const [clampedItem, olderItem] = summarizeHistory([clamped, older], 10).incidents;
    expect(clampedItem?.recommendedLimit).toBe('192Mi');
    expect(olderItem).toMatchObject({ status: 'resolved', decision: { action: 'reject', userId: 'U0SREBOB' }, resolvedAt: '2025-02-02T00:00:00Z' });
  });

  it.each([0, -1])('lists nothing for limit %i but still counts', (limit) => {
    expect(summarizeHistory([newer], limit)).toMatchObject({ count: 1, totalOccurrences: 1, incidents: [] });
  });

  it('is empty for no incidents', () => {
    expect(summarizeHistory([], 5)).toEqual({ count: 0, totalOccurrences: 0, incidents: [] });
  });

  it('keeps the CPU limit of a CPU incident, whose recommendation is a CPU limit, and not of a memory one', () => {
    const [cpu] = summarizeHistory([renderCases['approved-cpu-throttling']!], 1).incidents;
    expect(cpu).toMatchObject({ kind: 'CpuThrottling', cpuLimit: '500m', recommendedLimit: '800m' });
    const memoryWithCpuLimit = incidentReport({ id: 'inc-mem', detection: { ...newer.detection, cpuLimit: '2' } });
    expect(summarizeHistory([memoryWithCpuLimit], 1).incidents[0]!.cpuLimit).toBeUndefined();
  });
});
