import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DETECTION_RULES, detectIncidents, needsEvents } from '../../../src/core/detection/registry.ts';
import { parseEvent, parsePod } from '../../../src/core/kube/parse.ts';
import { DetectionSchema } from '../../../src/core/model.ts';
import type { DetectionRule } from '../../../src/core/detection/rule.ts';
import { kubeFixture } from '../../fixtures/kube/load.ts';

const pod = (name: string) => parsePod(kubeFixture(name));

describe('detectIncidents', () => {
  it.each([
    ['pod-oom-crashloop-64mi', [['OOMCrashLoop', 'app']]],
    ['pod-oom-sidecar', [['OOMKilled', 'log-shipper']]],
    ['pod-oom-init', [['OOMKilled', 'fetch-data']]],
    ['pod-oom-recovered-running', [['OOMKilled', 'api']]],
    ['pod-evicted-memory', [['EvictedMemory', 'cache']]],
    // Without its events a kubelet kill is a crash loop; with them, a probe kill (below).
    ['pod-probe-kill-137', [['CrashLoop', 'app']]],
    ['pod-imagepullbackoff', [['ImagePullFailure', 'app']]],
    ['pod-exit1-crashloop', [['CrashLoop', 'app']]],
    ['pod-create-config-error', [['ConfigError', 'app']]],
    ['pod-unschedulable', [['Unschedulable', 'worker']]],
    ['pod-evicted-disk', []],
  ])('%s → %j', (fixture, expected) => {
    const found = detectIncidents([pod(fixture)]);
    expect(found.map((d) => [d.kind, d.container])).toEqual(expected);
    for (const d of found) expect(DetectionSchema.parse(d)).toEqual(d);
  });

  it('a probe kill wins over the crash loop of the same container when its events are given', () => {
    const p = pod('pod-probe-kill-137');
    const events = (kubeFixture('events-web') as { items: unknown[] }).items.map(parseEvent);
    expect(detectIncidents([p], DETECTION_RULES, events).map((d) => d.kind)).toEqual(['ProbeKill']);
    expect(needsEvents([p])).toBe(true);
    expect(needsEvents([pod('pod-imagepullbackoff')])).toBe(true);
    expect(needsEvents([pod('pod-oom-crashloop-64mi'), pod('pod-exit1-crashloop'), pod('pod-unschedulable')])).toBe(false);
  });

  it('gives one OOM-family detection per container, the crash loop winning over plain OOMKilled', () => {
    // Both oom-killed and oom-crash-loop match this container; only one survives.
    const found = detectIncidents([pod('pod-oom-crashloop-64mi'), pod('pod-oom-recovered-running')]);
    expect(found.map((d) => `${d.pod}/${d.container}:${d.kind}`)).toEqual([
      'web-7d4b9c8f6-x2x9k/app:OOMCrashLoop',
      'api-5d59d67564-8gq4n/api:OOMKilled',
    ]);
  });

  it('keeps the higher-priority detection whatever order the rules run in', () => {
    const mk = (kind: 'OOMKilled' | 'OOMCrashLoop'): DetectionRule => ({
      id: kind,
      detect: (p) => [{ kind, namespace: p.namespace, pod: p.name, container: 'app', containerType: 'app', reason: 'OOMKilled', restartCount: 3, facts: [] }],
    });
    const p = pod('pod-oom-crashloop-64mi');
    expect(detectIncidents([p], [mk('OOMKilled'), mk('OOMCrashLoop')]).map((d) => d.kind)).toEqual(['OOMCrashLoop']);
    expect(detectIncidents([p], [mk('OOMCrashLoop'), mk('OOMKilled')]).map((d) => d.kind)).toEqual(['OOMCrashLoop']);
  });

  it('reports each OOMing container of a pod separately', () => {
    const raw = kubeFixture('pod-oom-sidecar');
    const status = raw.status as { containerStatuses: Record<string, unknown>[] };
    status.containerStatuses[0]!.lastState = {
      terminated: { exitCode: 137, reason: 'OOMKilled', startedAt: '2024-05-14T08:00:04Z', finishedAt: '2024-05-14T09:30:00Z' },
    };
    const found = detectIncidents([parsePod(raw)]);
    expect(found.map((d) => [d.container, d.containerType])).toEqual([
      ['log-shipper', 'sidecar'],
      ['postgres', 'app'],
    ]);
  });

  it('never throws on parsed pods with missing or odd fields (property)', () => {
    const odd = fc.oneof(fc.constant(null), fc.string(), fc.integer(), fc.boolean(), fc.array(fc.anything(), { maxLength: 2 }), fc.object({ maxDepth: 1 }));
    const reason = fc.oneof(fc.constantFrom('OOMKilled', 'CrashLoopBackOff', 'Evicted', 'Error'), odd);
    const terminated = fc.record({ reason, exitCode: fc.oneof(fc.constant(137), odd), finishedAt: odd }, { requiredKeys: [] });
    const state = fc.oneof(odd, fc.record({ terminated: fc.oneof(terminated, odd), waiting: fc.oneof(fc.record({ reason }), odd) }, { requiredKeys: [] }));
    const status = fc.record({ name: fc.oneof(fc.constantFrom('app', 'side'), odd), restartCount: odd, state, lastState: state }, { requiredKeys: [] });
    const rawPod = fc.record(
      {
        metadata: fc.oneof(odd, fc.record({ name: odd, ownerReferences: fc.oneof(odd, fc.array(fc.record({ kind: odd, name: odd, controller: odd }))) }, { requiredKeys: [] })),
        spec: fc.oneof(odd, fc.record({ initContainers: fc.oneof(odd, fc.array(fc.record({ name: odd, restartPolicy: odd }))) }, { requiredKeys: [] })),
        status: fc.oneof(
          odd,
          fc.record(
            {
              reason,
              message: fc.oneof(fc.constant('The node was low on resource: memory. Container x was using 1Mi, request is 0, has larger consumption of memory.'), odd),
              containerStatuses: fc.oneof(odd, fc.array(status, { maxLength: 3 })),
              initContainerStatuses: fc.oneof(odd, fc.array(status, { maxLength: 2 })),
            },
            { requiredKeys: [] },
          ),
        ),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.array(rawPod, { maxLength: 3 }), (raws) => {
        for (const d of detectIncidents(raws.map(parsePod))) DetectionSchema.parse(d);
      }),
      { numRuns: 500 },
    );
  });
});
