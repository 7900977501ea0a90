// A namespace's policy may tune when a restarting container counts as a crash loop; the memory
// rules are the same everywhere.
import { describe, expect, it } from 'vitest';
import { DETECTION_RULES, detectIncidents, rulesWith } from '../../../src/core/detection/registry.ts';
import { parseEvent, parsePod } from '../../../src/core/kube/parse.ts';
import type { PodSnapshot } from '../../../src/core/model.ts';
import { kubeFixture } from '../../fixtures/kube/load.ts';

/** The fixture's container, running again after `restarts` restarts (not backing off now). */
function restartedRunning(fixture: string, restarts: number): PodSnapshot {
  const raw = kubeFixture(fixture);
  const status = (raw.status as { containerStatuses: Array<Record<string, unknown>> }).containerStatuses[0]!;
  status.restartCount = restarts;
  status.state = { running: { startedAt: '2024-05-14T08:50:00Z' } };
  return parsePod(raw);
}

const kinds = (pods: PodSnapshot[], restarts: number) => detectIncidents(pods, rulesWith({ crashLoopRestarts: restarts })).map((d) => d.kind);

describe('rulesWith', () => {
  it.each([
    { restarts: 2, threshold: 3, found: [] },
    { restarts: 2, threshold: 2, found: ['CrashLoop'] },
    { restarts: 5, threshold: 3, found: ['CrashLoop'] },
    { restarts: 5, threshold: 10, found: [] },
    { restarts: 10, threshold: 10, found: ['CrashLoop'] },
  ])('an exit-1 container running after $restarts restarts, threshold $threshold → $found', ({ restarts, threshold, found }) => {
    expect(kinds([restartedRunning('pod-exit1-crashloop', restarts)], threshold)).toEqual(found);
  });

  it('counts a container backing off whatever the threshold', () => {
    expect(kinds([parsePod(kubeFixture('pod-exit1-crashloop'))], 50)).toEqual(['CrashLoop']);
  });

  it('applies the threshold to probe kills too', () => {
    const events = (kubeFixture('events-web') as { items: unknown[] }).items.map(parseEvent);
    const pod = restartedRunning('pod-probe-kill-137', 4);
    expect(detectIncidents([pod], rulesWith({ crashLoopRestarts: 4 }), events).map((d) => d.kind)).toEqual(['ProbeKill']);
    expect(detectIncidents([pod], rulesWith({ crashLoopRestarts: 5 }), events).map((d) => d.kind)).toEqual([]);
  });

  it('leaves the memory rules alone: an OOM loop is the same at any crash threshold', () => {
    const oom = restartedRunning('pod-oom-crashloop-64mi', 2);
    const at = (n: number) => detectIncidents([oom], rulesWith({ crashLoopRestarts: n })).map((d) => d.kind);
    expect(at(1)).toEqual(at(3));
    expect(at(50)).toEqual(at(3));
  });

  it('gives the default rules for the default threshold, and one array per setting', () => {
    expect(rulesWith({ crashLoopRestarts: 3 })).toBe(DETECTION_RULES);
    expect(rulesWith({ crashLoopRestarts: 7 })).toBe(rulesWith({ crashLoopRestarts: 7 }));
    expect(rulesWith({ crashLoopRestarts: 7 }).map((r) => r.id)).toEqual(DETECTION_RULES.map((r) => r.id));
  });
});
