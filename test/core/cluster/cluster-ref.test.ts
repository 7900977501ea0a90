import { describe, expect, it } from 'vitest';
import { fingerprintScope, ownsIncident, type ClusterRef } from '../../../src/core/cluster/cluster-ref.ts';

const named = (name: string): ClusterRef => ({ name, named: true });
const defaulted = (name: string): ClusterRef => ({ name, named: false });

describe('fingerprintScope', () => {
  it.each([
    ['a named cluster scopes fingerprints by its name', named('prod-eu'), 'prod-eu'],
    ['a cluster known only by its kubeconfig keeps unscoped fingerprints', defaulted('kind-kind'), undefined],
    ['an in-cluster agent without CLUSTER_NAME keeps unscoped fingerprints', defaulted('in-cluster'), undefined],
    ['no cluster at all (a dump file) keeps unscoped fingerprints', undefined, undefined],
  ])('%s', (_, cluster, scope) => {
    expect(fingerprintScope(cluster)).toBe(scope);
  });
});

describe('ownsIncident', () => {
  it.each([
    ['its own cluster\'s incident', named('a'), 'a', true],
    ['another cluster\'s incident', named('a'), 'b', false],
    ['an incident stored before clusters were recorded', named('a'), undefined, true],
    ['another cluster\'s incident, for an unnamed agent', defaulted('kind-a'), 'b', false],
    ['anything, when the reader knows no cluster', undefined, 'b', true],
  ])('%s', (_, self, cluster, owned) => {
    expect(ownsIncident(self, cluster === undefined ? {} : { cluster })).toBe(owned);
  });
});
