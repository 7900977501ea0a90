// Owner resolution for many pods at once (a scan's incidents) against the real test API server:
// one metadata list per owner kind gives exactly what one read per owner gives, and a reader that
// may not list or read owners falls back to the pod's own owner, as it always did.
import { beforeAll, expect, it } from 'vitest';
import type { V1ObjectMeta } from '@kubernetes/client-node';
import { createClusterReader } from '../../../src/adapters/kubernetes/cluster-reader.ts';
import type { OwnerRef } from '../../../src/core/model.ts';
import type { OwnerLookup } from '../../../src/ports.ts';
import { describeWithCluster, useTestCluster } from '../../support/cluster-context.ts';

describeWithCluster('ClusterReader.resolveWorkloads against the test API server', () => {
  const cluster = useTestCluster();
  let ns: string;
  const lookups: OwnerLookup[] = [];

  const owner = (kind: string, meta: V1ObjectMeta, apiVersion: string) => ({ apiVersion, kind, name: meta.name!, uid: meta.uid!, controller: true });
  const ref = (kind: string, meta: V1ObjectMeta): OwnerRef => ({ kind, name: meta.name!, uid: meta.uid! });
  const podTemplate = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] } };
  const jobSpec = { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'app', image: 'busybox:1.36' }] } } };

  beforeAll(async () => {
    ns = await cluster.createNamespace('owners');
    await cluster.applyManifest('agent/rbac.yaml');
    const { apps, batch } = cluster;
    for (let i = 0; i < 4; i++) {
      const deploy = await apps.createNamespacedDeployment({ namespace: ns, body: {
        metadata: { name: `web-${i}` }, spec: { selector: { matchLabels: { app: 'web' } }, template: podTemplate },
      } });
      const rs = await apps.createNamespacedReplicaSet({ namespace: ns, body: {
        metadata: { name: `web-${i}-5d8f7c9b4`, ownerReferences: [owner('Deployment', deploy.metadata!, 'apps/v1')] },
        spec: { selector: { matchLabels: { app: 'web' } }, template: podTemplate },
      } });
      // Two pods of the same ReplicaSet: one owner, asked for twice.
      lookups.push({ owner: ref('ReplicaSet', rs.metadata!), podName: `web-${i}-a` }, { owner: ref('ReplicaSet', rs.metadata!), podName: `web-${i}-b` });
      const cron = await batch.createNamespacedCronJob({ namespace: ns, body: {
        metadata: { name: `nightly-${i}` }, spec: { schedule: '0 3 * * *', jobTemplate: { spec: jobSpec } },
      } });
      const job = await batch.createNamespacedJob({ namespace: ns, body: {
        metadata: { name: `nightly-${i}-29000000`, ownerReferences: [owner('CronJob', cron.metadata!, 'batch/v1')] }, spec: jobSpec,
      } });
      lookups.push({ owner: ref('Job', job.metadata!), podName: `nightly-${i}-x` });
    }
    const orphanRs = await apps.createNamespacedReplicaSet({ namespace: ns, body: {
      metadata: { name: 'standalone-rs' }, spec: { selector: { matchLabels: { app: 'web' } }, template: podTemplate },
    } });
    const plainJob = await batch.createNamespacedJob({ namespace: ns, body: { metadata: { name: 'migrate' }, spec: jobSpec } });
    lookups.push(
      { owner: ref('ReplicaSet', orphanRs.metadata!), podName: 'standalone-rs-p' },
      { owner: { kind: 'ReplicaSet', name: 'deleted-rs' }, podName: 'deleted-rs-p' },
      { owner: ref('Job', plainJob.metadata!), podName: 'migrate-p' },
      { owner: { kind: 'StatefulSet', name: 'db' }, podName: 'db-0' },
      { owner: undefined, podName: 'lonely-pod' },
    );
  });

  it('gives, with one list per owner kind, what one read per owner gives, in order', async () => {
    const agentKc = await cluster.serviceAccountKubeConfig('kube-ai-sre', 'kube-ai-sre-agent');
    const listing = createClusterReader(agentKc, { ownerReadsBeforeList: 0 });
    const reading = createClusterReader(agentKc, { ownerReadsBeforeList: Number.MAX_SAFE_INTEGER });
    const one = createClusterReader(agentKc);
    const perOwner = [];
    for (const l of lookups) perOwner.push(await one.resolveWorkload(ns, l.owner, l.podName));
    expect(perOwner.slice(0, 3)).toEqual([{ kind: 'Deployment', name: 'web-0' }, { kind: 'Deployment', name: 'web-0' }, { kind: 'CronJob', name: 'nightly-0' }]);
    expect(perOwner.slice(-5)).toEqual([
      { kind: 'ReplicaSet', name: 'standalone-rs' }, { kind: 'ReplicaSet', name: 'deleted-rs' }, { kind: 'Job', name: 'migrate' },
      { kind: 'StatefulSet', name: 'db' }, { kind: 'Pod', name: 'lonely-pod' },
    ]);
    expect(await listing.resolveWorkloads!(ns, lookups)).toEqual(perOwner);
    expect(await reading.resolveWorkloads!(ns, lookups)).toEqual(perOwner);
    expect(await one.resolveWorkloads!(ns, [])).toEqual([]);
  });

  it('falls back to the pod\'s own owner when owners may be neither listed nor read', async () => {
    await cluster.core.createNamespacedServiceAccount({ namespace: ns, body: { metadata: { name: 'nobody' } } });
    const nobody = createClusterReader(await cluster.serviceAccountKubeConfig(ns, 'nobody'), { ownerReadsBeforeList: 0 });
    const expected = lookups.map((l) => (l.owner ? { kind: l.owner.kind, name: l.owner.name } : { kind: 'Pod', name: l.podName }));
    expect(await nobody.resolveWorkloads!(ns, lookups)).toEqual(expected);
  });
});
