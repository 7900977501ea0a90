import { describe, expect, it } from 'vitest';
import { probeEvents, probeKillCandidate, probeKillRule } from '../../../src/core/detection/probe-kill.ts';
import { parseEvent, parsePod } from '../../../src/core/kube/parse.ts';
import { DetectionSchema, type EventSnapshot } from '../../../src/core/model.ts';
import { kubeFixture } from '../../fixtures/kube/load.ts';

const probePod = parsePod(kubeFixture('pod-probe-kill-137'));
const fixtureEvents = (kubeFixture('events-web') as { items: unknown[] }).items.map(parseEvent);

function event(reason: string, message: string, fieldPath: string | undefined = 'spec.containers{app}'): EventSnapshot {
  return {
    namespace: 'shop',
    involvedKind: 'Pod',
    involvedName: probePod.name,
    ...(fieldPath ? { involvedFieldPath: fieldPath } : {}),
    type: reason === 'Killing' ? 'Normal' : 'Warning',
    reason,
    message,
    count: 4,
    lastTimestamp: '2024-05-14T08:30:40Z',
  };
}

describe('probeKillRule', () => {
  it('finds the 137 probe kill from the real Unhealthy event, with the event as a fact', () => {
    const events = fixtureEvents.filter((e) => e.involvedName === probePod.name);
    const [d] = probeKillRule.detect(probePod, { events });
    expect(DetectionSchema.parse(d)).toEqual(d);
    expect(d).toMatchObject({ kind: 'ProbeKill', container: 'app', exitCode: 137, reason: 'Error' });
    expect(d!.facts).toContain('exit code 137: killed (SIGKILL)');
    expect(d!.facts.some((f) => f.startsWith('event Unhealthy') && f.includes('Liveness probe failed'))).toBe(true);
  });

  it.each([
    { name: 'a Killing event for a failed liveness probe', e: event('Killing', 'Container app failed liveness probe, will be restarted') },
    { name: 'a failed startup probe', e: event('Unhealthy', 'Startup probe failed: HTTP probe failed with statuscode: 503') },
    { name: 'a Killing event without a field path that names the container', e: event('Killing', 'Container app failed liveness probe, will be restarted', undefined) },
  ])('recognises $name', ({ e }) => {
    expect(probeKillRule.detect(probePod, { events: [e] }).map((d) => d.kind)).toEqual(['ProbeKill']);
  });

  it.each([
    { name: 'no events (it may have been killed by something else)', events: [] },
    { name: 'a readiness probe failing (readiness never kills)', events: [event('Unhealthy', 'Readiness probe failed: connection refused')] },
    { name: 'probe events of another container', events: [event('Unhealthy', 'Liveness probe failed: timeout', 'spec.containers{sidecar}')] },
  ])('does not call it a probe kill with $name', ({ events }) => {
    expect(probeKillRule.detect(probePod, { events })).toEqual([]);
  });

  it('only considers kubelet kills that are not OOM kills', () => {
    expect(probeKillCandidate(probePod.containers[0]!)).toBe(true);
    const oom = parsePod(kubeFixture('pod-oom-crashloop-64mi'));
    expect(oom.containers.some(probeKillCandidate)).toBe(false);
    const exit1 = parsePod(kubeFixture('pod-exit1-crashloop'));
    expect(exit1.containers.some(probeKillCandidate)).toBe(false);
  });

  it('matches events to the container by field path', () => {
    const events = [event('Unhealthy', 'Liveness probe failed: x'), event('Unhealthy', 'Liveness probe failed: y', 'spec.initContainers{app-init}')];
    expect(probeEvents(events, 'app')).toHaveLength(1);
    expect(probeEvents(events, 'app-init')).toHaveLength(1);
  });
});
