import { describe, expect, it } from 'vitest';
import { schedulingReasons, unschedulableRule } from '../../../src/core/detection/unschedulable.ts';
import { parsePod } from '../../../src/core/kube/parse.ts';
import { DetectionSchema } from '../../../src/core/model.ts';
import { kubeFixture } from '../../fixtures/kube/load.ts';

describe('unschedulableRule', () => {
  it('finds the Pending pod with the scheduler reasons and its requests as facts', () => {
    const p = parsePod(kubeFixture('pod-unschedulable'));
    const [d] = unschedulableRule.detect(p);
    expect(DetectionSchema.parse(d)).toEqual(d);
    expect(d).toMatchObject({ kind: 'Unschedulable', container: 'worker', reason: 'Unschedulable', restartCount: 0, owner: { kind: 'ReplicaSet', name: 'report-worker-6f8c9d7b5' } });
    expect(d!.facts).toEqual(
      expect.arrayContaining([
        'status.conditions[PodScheduled]: status=False reason=Unschedulable',
        'no node: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }',
        'no node: 2 Insufficient memory',
        'worker requests memory 48Gi, limit 48Gi; cpu 4, limit unset',
      ]),
    );
  });

  it('ignores a pod already bound to a node whose PodScheduled condition is not updated yet', () => {
    const raw = kubeFixture('pod-unschedulable');
    (raw.spec as Record<string, unknown>).nodeName = 'worker-2';
    expect(unschedulableRule.detect(parsePod(raw))).toEqual([]);
  });

  it('ignores scheduled pods', () => {
    for (const name of ['pod-exit1-crashloop', 'pod-oom-crashloop-64mi', 'pod-imagepullbackoff']) {
      expect(unschedulableRule.detect(parsePod(kubeFixture(name)))).toEqual([]);
    }
  });

  it.each([
    ['0/3 nodes are available: 3 Insufficient cpu.', ['3 Insufficient cpu']],
    [
      "0/5 nodes are available: 2 node(s) didn't match Pod's node affinity/selector, 3 Insufficient memory. preemption: 0/5 nodes are available: 5 Preemption is not helpful for scheduling.",
      ["2 node(s) didn't match Pod's node affinity/selector", '3 Insufficient memory'],
    ],
    ['no nodes available to schedule pods', []],
  ])('schedulingReasons(%j)', (message, reasons) => {
    expect(schedulingReasons(message)).toEqual(reasons);
  });
});
