import { describe, expect, it } from 'vitest';
import { controllerOwner, workloadFromOwner } from '../../../src/core/kube/workload.ts';

describe('workloadFromOwner', () => {
  it.each([
    ['ReplicaSet of a Deployment', { kind: 'ReplicaSet', name: 'web-7d4b9c8f6' }, { kind: 'Deployment', name: 'web' }],
    ['ReplicaSet with a 10-char hash', { kind: 'ReplicaSet', name: 'payments-api-5d59d67564' }, { kind: 'Deployment', name: 'payments-api' }],
    ['ReplicaSet without a template hash', { kind: 'ReplicaSet', name: 'legacy-frontend' }, { kind: 'ReplicaSet', name: 'legacy-frontend' }],
    ['Job of a CronJob', { kind: 'Job', name: 'nightly-28345680' }, { kind: 'CronJob', name: 'nightly' }],
    ['plain Job', { kind: 'Job', name: 'db-migrate' }, { kind: 'Job', name: 'db-migrate' }],
    ['StatefulSet', { kind: 'StatefulSet', name: 'orders-db' }, { kind: 'StatefulSet', name: 'orders-db' }],
    ['DaemonSet', { kind: 'DaemonSet', name: 'node-exporter' }, { kind: 'DaemonSet', name: 'node-exporter' }],
    ['static pod owned by its Node', { kind: 'Node', name: 'node-1' }, { kind: 'Pod', name: 'the-pod' }],
    ['no owner', undefined, { kind: 'Pod', name: 'the-pod' }],
  ])('%s', (_what, owner, expected) => {
    expect(workloadFromOwner(owner, 'the-pod')).toEqual(expected);
  });

  it('uses the pod-template-hash label when it has one', () => {
    expect(workloadFromOwner({ kind: 'ReplicaSet', name: 'my-db-7c' }, 'my-db-7c-abcde', { 'pod-template-hash': '7c' })).toEqual({ kind: 'Deployment', name: 'my-db' });
    expect(workloadFromOwner({ kind: 'ReplicaSet', name: 'my-db' }, 'my-db-abcde')).toEqual({ kind: 'ReplicaSet', name: 'my-db' });
  });
});

describe('controllerOwner', () => {
  it('prefers the controller reference, else the first', () => {
    const gc = { kind: 'ConfigMap', name: 'anchor' };
    const rs = { kind: 'ReplicaSet', name: 'web-7d4b9c8f6', controller: true };
    expect(controllerOwner({ ownerReferences: [gc, rs] })).toBe(rs);
    expect(controllerOwner({ ownerReferences: [gc] })).toBe(gc);
    expect(controllerOwner({ ownerReferences: [] })).toBeUndefined();
  });
});
