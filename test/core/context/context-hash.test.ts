import { describe, expect, it } from 'vitest';
import { buildIncidentContext } from '../../../src/core/context/build-context.ts';
import type { IncidentContextInput } from '../../../src/core/context/build-context.ts';
import { contextKey } from '../../../src/core/context/context-hash.ts';
import { detectIncidents } from '../../../src/core/detection/registry.ts';
import { parseKubeDump, parseNode, parsePod } from '../../../src/core/kube/parse.ts';
import { kubeFixture } from '../../fixtures/kube/load.ts';

function input(): IncidentContextInput {
  const pod = parsePod(kubeFixture('pod-oom-crashloop-64mi'));
  const [detection] = detectIncidents([pod]);
  if (!detection) throw new Error('fixture must yield a detection');
  return {
    detection,
    pod,
    events: parseKubeDump(kubeFixture('events-web')).events,
    logTail: 'INFO loading catalogue\nFATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory\n',
    node: parseNode(kubeFixture('node-memory-pressure')),
    workload: { kind: 'Deployment', name: 'web' },
  };
}

const keyOf = (i: IncidentContextInput) => contextKey(buildIncidentContext(i), i.detection);

describe('contextKey', () => {
  it('is stable for the same incident', () => {
    expect(keyOf(input())).toBe(keyOf(input()));
  });

  it.each([
    [
      'a repeated event counting up with new timestamps',
      (i: IncidentContextInput) => {
        i.events = i.events.map((e) => (e.reason === 'BackOff' ? { ...e, count: 31, lastTimestamp: '2024-05-14T08:40:00.000Z' } : e));
      },
    ],
    ['a node heartbeat message changing', (i: IncidentContextInput) => { i.node = { ...i.node!, conditions: i.node!.conditions.map((c) => ({ ...c, message: `${c.message} (again)` })) }; }],
    ['a different but equivalent facts order', (i: IncidentContextInput) => { i.detection = { ...i.detection, facts: [...i.detection.facts].reverse() }; }],
  ])('ignores %s', (_what, change) => {
    const changed = input();
    change(changed);
    expect(keyOf(changed)).toBe(keyOf(input()));
  });

  it('ignores how many log lines were cut before the same visible tail', () => {
    const withNoise = (n: number) => {
      const i = input();
      i.logTail = `${'noise\n'.repeat(n)}${i.logTail}`;
      return keyOf(i);
    };
    expect(withNoise(20_000)).toBe(withNoise(5_000));
  });

  it.each([
    ['the restart count', (i: IncidentContextInput) => { i.detection = { ...i.detection, restartCount: 6 }; }],
    ['the last termination time', (i: IncidentContextInput) => { i.detection = { ...i.detection, lastTerminatedAt: '2024-05-14T08:26:30.000Z' }; }],
    ['the memory limit', (i: IncidentContextInput) => { i.detection = { ...i.detection, memoryLimit: '128Mi' }; }],
    ['the incident kind', (i: IncidentContextInput) => { i.detection = { ...i.detection, kind: 'OOMKilled' }; }],
    ['the log tail', (i: IncidentContextInput) => { i.logTail = `${i.logTail}Killed\n`; }],
    ['a new kind of event', (i: IncidentContextInput) => {
      i.events = [...i.events, { namespace: 'shop', involvedKind: 'Pod', involvedName: i.pod.name, type: 'Warning', reason: 'Unhealthy', message: 'Readiness probe failed' }];
    }],
    ['node memory pressure clearing', (i: IncidentContextInput) => {
      i.node = { ...i.node!, conditions: i.node!.conditions.map((c) => (c.type === 'MemoryPressure' ? { ...c, status: 'False' } : c)) };
    }],
  ])('changes with %s', (_what, change) => {
    const changed = input();
    change(changed);
    expect(keyOf(changed)).not.toBe(keyOf(input()));
  });
});
