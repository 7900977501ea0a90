// The reads doctor asks about follow the configuration, and manifests/agent/rbac.yaml grants every
// one of them and none of the forbidden accesses (checked by rule matching here; the doctor tests
// ask the real API server).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { accessQueries, describeQuery, FORBIDDEN_ACCESS, requiredReads, type AccessNeed } from '../../../src/core/doctor/agent-access.ts';

interface Rule { apiGroups: string[]; resources: string[]; verbs: string[] }
const docs = parseAllDocuments(readFileSync(fileURLToPath(new URL('../../../manifests/agent/rbac.yaml', import.meta.url)), 'utf8')).map((d) => d.toJS() as { kind: string; rules?: Rule[] });
const rules = docs.find((d) => d.kind === 'ClusterRole')!.rules!;

function granted(need: AccessNeed): boolean {
  const resource = need.subresource ? `${need.resource}/${need.subresource}` : need.resource;
  return rules.some((r) => r.apiGroups.includes(need.group) && (r.resources.includes(resource) || r.resources.includes('*')) && (r.verbs.includes(need.verb) || r.verbs.includes('*')));
}

const everything = requiredReads({ namespaces: [], watch: true, eventWatch: true, forecast: true });

describe('the agent\'s access', () => {
  it('manifests/agent/rbac.yaml grants every read, whatever the configuration', () => {
    expect(everything.filter((n) => !granted(n)).map((n) => describeQuery(n))).toEqual([]);
  });

  it('manifests/agent/rbac.yaml grants none of the forbidden accesses', () => {
    expect(FORBIDDEN_ACCESS.filter(granted).map((n) => describeQuery(n))).toEqual([]);
  });

  it('asks only about what this configuration uses', () => {
    const minimal = requiredReads({ namespaces: ['demo'], watch: false, eventWatch: false, forecast: false }).map((n) => `${n.verb} ${n.group}/${n.resource}${n.subresource ? `/${n.subresource}` : ''}`);
    expect(minimal).toEqual(['list /pods', 'get /pods/log', 'list /events', 'get /nodes', 'list /nodes', 'get /namespaces', 'get apps/replicasets', 'get batch/jobs']);
    expect(everything.length - requiredReads({ namespaces: ['demo'], watch: false, eventWatch: false, forecast: false }).length).toBe(6);
    const events = requiredReads({ namespaces: ['demo'], watch: false, eventWatch: true, forecast: false }).map((n) => `${n.verb} ${n.group}/${n.resource}${n.subresource ? `/${n.subresource}` : ''}`);
    expect(events.filter((n) => !minimal.includes(n))).toEqual(['list events.k8s.io/events', 'watch events.k8s.io/events', 'get /pods']);
  });

  it('asks per namespace, or once cluster-wide; cluster-scoped resources always once', () => {
    const needs = requiredReads({ namespaces: ['a', 'b'], watch: true, eventWatch: true, forecast: false });
    const queries = accessQueries(needs, { namespaces: ['a', 'b'] });
    expect(queries.filter((q) => q.query.resource === 'pods' && q.query.verb === 'watch').map((q) => q.query.namespace)).toEqual(['a', 'b']);
    expect(queries.filter((q) => q.query.resource === 'nodes').map((q) => q.query.namespace)).toEqual([undefined, undefined]);
    const wide = accessQueries(needs, { namespaces: [] });
    expect(wide.every((q) => q.query.namespace === undefined)).toBe(true);
    expect(wide).toHaveLength(needs.length);
  });

  it('describes a question the way kubectl auth can-i would be asked', () => {
    expect(describeQuery({ verb: 'watch', group: '', resource: 'pods', namespace: 'demo' })).toBe('watch pods in demo');
    expect(describeQuery({ verb: 'get', group: '', resource: 'pods', subresource: 'log' })).toBe('get pods/log in every namespace');
    expect(describeQuery({ verb: 'get', group: '', resource: 'nodes' }, true)).toBe('get nodes');
    expect(describeQuery({ verb: 'patch', group: 'apps', resource: 'deployments', namespace: 'x' })).toBe('patch deployments.apps in x');
  });
});
