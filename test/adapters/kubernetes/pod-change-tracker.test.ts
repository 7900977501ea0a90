import { describe, expect, it } from 'vitest';
import { createPodChangeTracker, isNewerVersion, podIdentity, type PodChangeType } from '../../../src/adapters/kubernetes/pod-change-tracker.ts';
import { parsePod } from '../../../src/core/kube/parse.ts';
import type { PodSnapshot } from '../../../src/core/model.ts';
import { kubeFixture } from '../../fixtures/kube/load.ts';

const base = kubeFixture('pod-oom-crashloop-64mi');
const snapshot = (name: string): PodSnapshot => ({ ...parsePod(base), name });

type Step = [type: PodChangeType, key: string, rv: string];

describe('isNewerVersion', () => {
  it.each([
    ['101', '100', true],
    ['100', '100', false],
    ['99', '100', false],
    ['1000', '999', true],
    ['999', '1000', false],
    // Not decimal: only equality can be judged.
    ['abc', 'abd', true],
    ['abc', 'abc', false],
  ])('%s after %s → %s', (next, prev, expected) => {
    expect(isNewerVersion(next, prev)).toBe(expected);
  });
});

describe('podIdentity', () => {
  it('keeps who the pod is and none of its state', () => {
    const pod = snapshot('web-7d4b9c8f6-x2x9k');
    expect(pod.containers.length).toBeGreaterThan(0);
    expect(podIdentity(pod)).toEqual({ namespace: pod.namespace, name: pod.name, uid: pod.uid, labels: {}, ownerReferences: [], containers: [] });
    expect(podIdentity({ ...pod, uid: undefined })).not.toHaveProperty('uid');
  });
});

describe('createPodChangeTracker', () => {
  const run = (steps: Step[], opts?: { maxPods?: number; maxDeleted?: number }): string[] => {
    const tracker = createPodChangeTracker(opts);
    return steps.map(([type, key, rv]) => {
      const change = tracker.observe(type, key, rv, () => snapshot(key));
      return change ? `${change.type} ${change.pod.name}` : '-';
    });
  };

  it.each<[string, Step[], string[]]>([
    ['a new pod, then a change', [['ADDED', 'a', '1'], ['MODIFIED', 'a', '2']], ['ADDED a', 'MODIFIED a']],
    ['the same version again (re-list after a restart)', [['ADDED', 'a', '1'], ['ADDED', 'a', '1'], ['MODIFIED', 'a', '1']], ['ADDED a', '-', '-']],
    ['an older version after a newer one', [['MODIFIED', 'a', '5'], ['MODIFIED', 'a', '4']], ['MODIFIED a', '-']],
    ['a re-listed pod at a newer version is a modification', [['ADDED', 'a', '1'], ['ADDED', 'a', '7']], ['ADDED a', 'MODIFIED a']],
    ['a deletion, replayed', [['ADDED', 'a', '1'], ['DELETED', 'a', '2'], ['DELETED', 'a', '2']], ['ADDED a', 'DELETED a', '-']],
    ['nothing after a deletion of that uid', [['DELETED', 'a', '2'], ['MODIFIED', 'a', '3'], ['ADDED', 'a', '4']], ['DELETED a', '-', '-']],
    ['pods are independent', [['ADDED', 'a', '1'], ['ADDED', 'b', '1'], ['MODIFIED', 'b', '2'], ['ADDED', 'a', '1']], ['ADDED a', 'ADDED b', 'MODIFIED b', '-']],
  ])('%s', (_name, steps, expected) => {
    expect(run(steps)).toEqual(expected);
  });

  it('forgets the least recently changed pod past maxPods', () => {
    // b changed last before c arrived, so a is the one forgotten and is delivered again.
    expect(run([['ADDED', 'a', '1'], ['ADDED', 'b', '1'], ['MODIFIED', 'b', '2'], ['ADDED', 'c', '1'], ['ADDED', 'b', '2'], ['ADDED', 'a', '1']], { maxPods: 2 }))
      .toEqual(['ADDED a', 'ADDED b', 'MODIFIED b', 'ADDED c', '-', 'ADDED a']);
  });

  it('remembers at most maxDeleted deleted uids', () => {
    expect(run([['DELETED', 'a', '1'], ['DELETED', 'b', '1'], ['DELETED', 'c', '1'], ['DELETED', 'c', '1'], ['DELETED', 'a', '1']], { maxDeleted: 2 }))
      .toEqual(['DELETED a', 'DELETED b', 'DELETED c', '-', 'DELETED a']);
  });

  it('parses only changes it delivers', () => {
    const tracker = createPodChangeTracker();
    let parses = 0;
    const parse = (): PodSnapshot => {
      parses += 1;
      return snapshot('a');
    };
    tracker.observe('ADDED', 'a', '1', parse);
    tracker.observe('ADDED', 'a', '1', parse);
    tracker.observe('MODIFIED', 'a', '1', parse);
    expect(parses).toBe(1);
  });

  it('does not record a change it could not parse', () => {
    const tracker = createPodChangeTracker();
    expect(() => tracker.observe('ADDED', 'a', '1', () => {
      throw new Error('bad pod');
    })).toThrow('bad pod');
    expect(tracker.observe('ADDED', 'a', '1', () => snapshot('a'))?.type).toBe('ADDED');
  });

  it('after a complete list, reports known pods missing from it as deleted, by the identity it kept, once', () => {
    const tracker = createPodChangeTracker();
    tracker.observe('ADDED', 'a', '1', () => snapshot('a'));
    tracker.observe('ADDED', 'b', '1', () => snapshot('b'));
    tracker.observe('MODIFIED', 'b', '3', () => snapshot('b-v3'));
    const gone = tracker.deletedSince(new Set(['a']));
    expect(gone.map((c) => `${c.type} ${c.pod.name}`)).toEqual(['DELETED b-v3']);
    // Who it was, not its state: a cluster's worth of live pods is kept in kilobytes.
    expect(gone[0]!.pod).toEqual({ namespace: 'shop', name: 'b-v3', uid: snapshot('b').uid, labels: {}, ownerReferences: [], containers: [] });
    expect(tracker.deletedSince(new Set(['a']))).toEqual([]);
    expect(tracker.size).toBe(1);
    // A late watch event for the deleted pod is a replay.
    expect(tracker.observe('DELETED', 'b', '4', () => snapshot('b'))).toBeUndefined();
  });
});
