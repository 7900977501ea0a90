// Prometheus signals in the LLM's context: their own section after the incident, warnings first,
// redacted and budgeted like the rest; no section at all when Prometheus is not configured.
import { describe, expect, it } from 'vitest';
import { buildIncidentContext, type IncidentContextInput } from '../../../src/core/context/build-context.ts';
import { detectIncidents } from '../../../src/core/detection/registry.ts';
import { workloadFromOwner } from '../../../src/core/kube/workload.ts';
import { parsePod } from '../../../src/core/kube/parse.ts';
import type { IncidentSignals, Signal } from '../../../src/core/signals/signal.ts';
import { kubeFixture } from '../../fixtures/kube/load.ts';

const HEADER = '=== Signals from Prometheus (cAdvisor, kube-state-metrics), warnings first ===';

function input(signals?: IncidentSignals): IncidentContextInput {
  const pod = parsePod(kubeFixture('pod-oom-crashloop-64mi'));
  const [detection] = detectIncidents([pod]);
  return {
    detection: detection!, pod, events: [], logTail: 'line 1\nline 2\n', workload: workloadFromOwner(detection!.owner, detection!.pod),
    ...(signals ? { signals } : {}),
  };
}

const signal = (text: string, level: Signal['level'] = 'warning'): Signal => ({ id: 'cpu_throttling', scope: 'container', level, text, value: 1 });
const signals = (list: Signal[]): IncidentSignals => ({ source: 'prometheus', windowMinutes: 10, at: '2024-05-14T08:21:09.000Z', signals: list });

describe('buildIncidentContext with signals', () => {
  it('is unchanged when Prometheus is not configured', () => {
    expect(buildIncidentContext(input()).text).not.toContain('Prometheus');
  });

  it('puts the signals right after the incident, warnings marked', () => {
    const ctx = buildIncidentContext(input(signals([
      signal('CPU throttled 78% of periods in the 10 min before the OOM (4680 of 6000 CFS periods)'),
      signal('working set growing +2 MiB/min in the 10 min before the OOM', 'info'),
    ])));
    const text = ctx.text;
    expect(text.indexOf(HEADER)).toBeGreaterThan(text.indexOf('=== Incident ==='));
    expect(text.indexOf(HEADER)).toBeLessThan(text.indexOf('=== Node ==='));
    expect(text).toContain(`${HEADER}\nwarning (container): CPU throttled 78% of periods in the 10 min before the OOM (4680 of 6000 CFS periods)\nreading (container): working set growing +2 MiB/min in the 10 min before the OOM\n`);
    expect(ctx.statusLines).toContain('warning (container): CPU throttled 78% of periods in the 10 min before the OOM (4680 of 6000 CFS periods)');
  });

  it('says when Prometheus had nothing noteworthy', () => {
    expect(buildIncidentContext(input(signals([]))).text).toContain(`${HEADER}\nno noteworthy signal in the 10 min before 2024-05-14T08:21:09.000Z`);
  });

  it('keeps at most twelve lines, caps long ones, redacts, and stays within the budget', () => {
    const many = Array.from({ length: 20 }, (_, i) => signal(`reading ${i} ${'x'.repeat(i === 0 ? 500 : 10)}`, 'info'));
    many.push(signal('node token=Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl'));
    const ctx = buildIncidentContext(input(signals([many.at(-1)!, ...many.slice(0, -1)])), { totalChars: 3000 });
    const lines = ctx.text.split('\n');
    const start = lines.indexOf(HEADER);
    const section = lines.slice(start + 1, lines.indexOf('', start));
    expect(section).toHaveLength(13);
    expect(section.at(-1)).toBe('… 9 more readings');
    expect(ctx.text).not.toContain('eyJzdWIiOiJ4In0');
    expect(section.every((l) => l.length <= 300)).toBe(true);
    expect(ctx.text.length).toBeLessThanOrEqual(3000);
  });
});
