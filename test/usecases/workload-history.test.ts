import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis } from '../../src/adapters/redis/connection.ts';
import { createIncidentStore } from '../../src/adapters/redis/incident-store.ts';
import type { WorkloadQuery } from '../../src/core/commands/parse-command.ts';
import type { IncidentReport } from '../../src/core/model.ts';
import type { IncidentStore } from '../../src/ports.ts';
import { workloadHistory } from '../../src/usecases/workload-history.ts';
import { incidentReport } from '../fixtures/incidents/report.ts';
import { deleteKeysUnder, SHARED_REDIS_URL, uniquePrefix } from '../support/redis-keys.ts';

const prefix = uniquePrefix('workload-history');
let redis: Redis;
let store: IncidentStore;

async function seed(id: string, namespace: string, workload: IncidentReport['workload']): Promise<void> {
  const base = incidentReport();
  const report = incidentReport({ id, fingerprint: `${namespace}/${workload.kind}/${workload.name}/app/${id}`, workload, detection: { ...base.detection, namespace } });
  await store.claim(report.fingerprint, report);
}

beforeAll(async () => {
  redis = await connectRedis(SHARED_REDIS_URL, 'store');
  store = createIncidentStore({ redis, prefix, retentionDays: 1 });
  await seed('inc-demo-checkout', 'demo', { kind: 'Deployment', name: 'checkout' });
  await seed('inc-staging-checkout', 'staging', { kind: 'Deployment', name: 'checkout' });
  await seed('inc-demo-db', 'demo', { kind: 'StatefulSet', name: 'db' });
  await store.resolve('inc-demo-db', '2025-03-05T00:00:00Z');
});

afterAll(async () => {
  await deleteKeysUnder(redis, prefix);
  await redis.quit();
});

const found = async (q: WorkloadQuery) => {
  const r = await workloadHistory(store, q);
  return r.ok ? r.entries.map((e) => [e.namespace, e.workload.kind, e.workload.name, e.history.incidents.map((i) => i.id)]) : r.reason;
};

describe('workloadHistory', () => {
  it.each<[string, WorkloadQuery, unknown]>([
    ['namespace and name (kinds searched)', { namespace: 'demo', name: 'checkout' }, [['demo', 'Deployment', 'checkout', ['inc-demo-checkout']]]],
    ['namespace, kind and name', { namespace: 'demo', kind: 'Deployment', name: 'checkout' }, [['demo', 'Deployment', 'checkout', ['inc-demo-checkout']]]],
    ['a wrong kind', { namespace: 'demo', kind: 'StatefulSet', name: 'checkout' }, []],
    ['kind and name (namespaces from open incidents)', { kind: 'Deployment', name: 'checkout' }, [['demo', 'Deployment', 'checkout', ['inc-demo-checkout']], ['staging', 'Deployment', 'checkout', ['inc-staging-checkout']]]],
    ['a bare name', { name: 'checkout' }, [['demo', 'Deployment', 'checkout', ['inc-demo-checkout']], ['staging', 'Deployment', 'checkout', ['inc-staging-checkout']]]],
    ['a resolved workload with its namespace', { namespace: 'demo', name: 'db' }, [['demo', 'StatefulSet', 'db', ['inc-demo-db']]]],
    ['a resolved workload without a namespace', { name: 'db' }, 'namespace_needed'],
    ['an unknown workload', { namespace: 'demo', name: 'nothing' }, []],
  ])('finds %s', async (_name, query, expected) => {
    expect(await found(query)).toEqual(expected);
  });
});
