// The alert job on the real store, with a cluster read from a `kubectl get -o json` dump: an alert
// about a pod the rules flag joins the rules' incident, one they do not flag opens its own, a
// resolved notification resolves only what alerts opened, redeliveries change nothing, and a
// flood opens a bounded number of incidents plus one summary.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { RedisAuditLog } from '../../src/adapters/redis/audit-log.ts';
import { createAlertFolds } from '../../src/adapters/redis/alert-folds.ts';
import { connectRedis } from '../../src/adapters/redis/connection.ts';
import { createIncidentStore } from '../../src/adapters/redis/incident-store.ts';
import { createDumpReader } from '../../src/adapters/kubernetes/dump-reader.ts';
import { sha256Hex } from '../../src/adapters/hash.ts';
import { AppError } from '../../src/core/errors.ts';
import { analysisKey } from '../../src/core/incident/tracking.ts';
import type { AlertJob, AnalyzeJob } from '../../src/core/jobs.ts';
import type { FoundIncident, IncidentReport } from '../../src/core/model.ts';
import { silentLogger } from '../../src/logging.ts';
import type { ChatNotifier, ClusterReader, IncidentStore, JobQueue, SlackRef } from '../../src/ports.ts';
import { runAlertJob, type AlertJobDeps } from '../../src/usecases/ingest-alerts.ts';
import { detectPods } from '../../src/usecases/detect-namespace.ts';
import { incidentReport } from '../fixtures/incidents/report.ts';
import { kubeFixture } from '../fixtures/kube/load.ts';
import { webhookAlert, webhookPayload } from '../fixtures/alertmanager/webhook.ts';
import { deleteKeysUnder, SHARED_REDIS_URL, uniquePrefix } from '../support/redis-keys.ts';

const NOW = new Date('2026-11-29T03:45:00Z');
const OOM_POD = 'api-5d59d67564-8gq4n'; // Running again, lastState OOMKilled: the rules flag it
const HEALTHY_POD = 'session-cache-7c9f5d8b6-q4w2z'; // Running, nothing the rules flag

describe('runAlertJob', () => {
  let redis: Redis;
  let prefix: string;
  let store: IncidentStore;
  let analyses: AnalyzeJob[];
  let texts: string[];
  let updates: IncidentReport[];
  let listed: string[];
  let deps: AlertJobDeps;

  beforeAll(async () => {
    redis = await connectRedis(SHARED_REDIS_URL, 'store');
  });
  afterAll(() => redis.disconnect());
  afterEach(async () => deleteKeysUnder(redis, prefix));

  function setup(opts: { maxNew?: number; namespaces?: string[]; cluster?: Partial<ClusterReader> } = {}) {
    prefix = uniquePrefix('alerts');
    store = createIncidentStore({ redis, prefix });
    analyses = [];
    texts = [];
    updates = [];
    listed = [];
    const dump = createDumpReader({ kind: 'List', items: [kubeFixture('pod-oom-recovered-running'), kubeFixture('pod-leaking-running')] });
    const cluster: ClusterReader = { ...dump, listPods: async (ns) => { listed.push(ns); return dump.listPods(ns); }, ...opts.cluster };
    const queue: JobQueue = {
      enqueueAnalyze: async (job) => { analyses.push(job); return { jobId: String(analyses.length) }; },
      enqueueScan: async () => ({ jobId: 'scan' }),
      enqueueThread: async () => ({ jobId: 'thread' }),
    };
    const notifier: ChatNotifier = {
      postIncident: async (): Promise<SlackRef> => ({ channel: 'C0INCIDENTS', ts: '1.1' }),
      updateIncident: async (r) => { updates.push(r); },
      postText: async (text) => { texts.push(text); return { channel: 'C0INCIDENTS', ts: '2.2' }; },
    };
    deps = {
      store, queue, notifier, audit: new RedisAuditLog(redis, prefix), clock: { now: () => NOW }, logger: silentLogger, hash: sha256Hex, quietMinutes: 30,
      cluster, folds: createAlertFolds({ redis, prefix }), maxNewIncidents: opts.maxNew ?? 10, foldSeconds: 3600, namespaces: new Set(opts.namespaces ?? []),
    };
  }

  const job = (...alerts: Parameters<typeof webhookPayload>[0]): AlertJob => ({ payload: webhookPayload(alerts), receivedAt: NOW.toISOString() });
  const oomAlert = (pod = OOM_POD, status: 'firing' | 'resolved' = 'firing') => webhookAlert({ status, labels: { pod, container: pod === OOM_POD ? 'api' : 'cache' } });

  /** What the analysis job would store: the incident of a queued analysis, posted. */
  async function analyze(found: FoundIncident): Promise<IncidentReport> {
    const report = incidentReport({
      id: `${found.fingerprint}-1`, fingerprint: found.fingerprint, detection: found.detection, workload: found.workload,
      contextHash: sha256Hex(analysisKey(found.detection)), firstSeen: NOW.toISOString(), lastSeen: NOW.toISOString(),
      slack: { channel: 'C0INCIDENTS', ts: `9.${analyses.length}` }, ...(found.source ? { source: found.source } : {}),
    });
    const claim = await store.claim(found.fingerprint, report);
    return claim.report;
  }

  it('joins the rules\' incident for a pod they already track: no second incident, no analysis', async () => {
    setup();
    const [ruleIncident] = (await detectPods(deps.cluster, 'shop', await deps.cluster.listPods('shop'))).found.filter((f) => f.detection.pod === OOM_POD);
    await analyze(ruleIncident!);
    const summary = await runAlertJob(deps, job(oomAlert()));
    expect(summary.outcomes).toMatchObject({ joined: 1, opened: 0 });
    expect(analyses).toEqual([]);
    expect((await store.listOpen()).map((r) => r.fingerprint)).toEqual([ruleIncident!.fingerprint]);
  });

  it('keeps the joined alert on the incident, audits it and repaints its message once; a redelivery changes nothing', async () => {
    setup();
    const [ruleIncident] = (await detectPods(deps.cluster, 'shop', await deps.cluster.listPods('shop'))).found.filter((f) => f.detection.pod === OOM_POD);
    const posted = await analyze({ ...ruleIncident!, source: { kind: 'watch' } });
    const crashLooping = webhookAlert({ labels: { alertname: 'KubePodCrashLooping', pod: OOM_POD, container: 'api', reason: '' } });
    await runAlertJob(deps, job(oomAlert(), crashLooping));
    const [joined] = await store.listOpen();
    expect(joined!.alerts).toEqual(['KubeContainerOOMKilled', 'KubePodCrashLooping']);
    expect(joined!.source).toEqual({ kind: 'watch' });
    expect(updates.map((u) => [u.id, u.alerts, u.slack])).toEqual([[posted.id, ['KubeContainerOOMKilled', 'KubePodCrashLooping'], posted.slack]]);
    const [entry] = await deps.audit.latest(1);
    expect(entry).toMatchObject({
      action: 'incident_updated', incidentId: posted.id, outcome: 'alert joined',
      details: { alerts: 'KubeContainerOOMKilled, KubePodCrashLooping' }, subject: { namespace: 'shop', pod: OOM_POD, container: 'api' },
    });

    await runAlertJob(deps, job(oomAlert(), crashLooping));
    expect(updates).toHaveLength(1);
    expect((await deps.audit.latest(1))[0]!.seq).toBe(entry!.seq);
    expect(analyses).toEqual([]);
  });

  it('joins only the incident of the container the alert names', async () => {
    setup();
    const [ruleIncident] = (await detectPods(deps.cluster, 'shop', await deps.cluster.listPods('shop'))).found.filter((f) => f.detection.pod === OOM_POD);
    await analyze(ruleIncident!);
    await runAlertJob(deps, job(webhookAlert({ labels: { alertname: 'KubePodCrashLooping', pod: OOM_POD, container: 'istio-proxy', reason: '' } })));
    expect((await store.get(`${ruleIncident!.fingerprint}-1`))?.alerts).toBeUndefined();
    expect(updates).toEqual([]);
  });

  it('queues the rules\' own analysis when the alert is first to report a pod they flag', async () => {
    setup();
    await runAlertJob(deps, job(oomAlert()));
    expect(analyses).toHaveLength(1);
    expect(analyses[0]!.found.detection).toMatchObject({ kind: 'OOMKilled', pod: OOM_POD });
    expect(analyses[0]!.found.source).toEqual({ kind: 'alert', name: 'KubeContainerOOMKilled' });
  });

  it('maps the alert with the rules of the pod\'s namespace, as its policy tunes them', async () => {
    setup();
    const asked: string[] = [];
    // A namespace whose rules flag nothing: the OOM alert cannot join a rule incident there.
    const summary = await runAlertJob({ ...deps, rulesFor: (ns) => { asked.push(ns); return []; } }, job(oomAlert()));
    expect(asked).toContain('shop');
    expect(summary.outcomes).toMatchObject({ opened: 1, joined: 0 });
    expect(analyses[0]!.found.detection.kind).toBe('MemoryAlert');
  });

  it('opens an incident of its own for an alert about a pod the rules do not flag', async () => {
    setup();
    const summary = await runAlertJob(deps, job(webhookAlert({ labels: { alertname: 'ContainerMemoryNearLimit', pod: HEALTHY_POD, container: 'cache', reason: '' } })));
    expect(summary.outcomes).toMatchObject({ opened: 1, joined: 0 });
    const found = analyses[0]!.found;
    expect(found.detection).toMatchObject({ kind: 'MemoryAlert', namespace: 'shop', pod: HEALTHY_POD, container: 'cache' });
    expect(found.workload).toEqual({ kind: 'Deployment', name: 'session-cache' });
    expect(found.source).toEqual({ kind: 'alert', name: 'ContainerMemoryNearLimit' });
    expect(found.detection.facts).toContain('annotation summary: Kubernetes container oom killed.');
  });

  it('opens one for an alert it cannot map to a pod, without reading the cluster', async () => {
    setup();
    await runAlertJob(deps, job(webhookAlert({ labels: { alertname: 'KubeNodeNotReady', node: 'worker-2', namespace: '', pod: '', container: '', reason: '' } })));
    expect(listed).toEqual([]);
    expect(analyses.map((a) => [a.found.detection.kind, a.found.workload])).toEqual([['NodeAlert', { kind: 'Node', name: 'worker-2' }]]);
  });

  it('reads no pods outside the scanned namespaces: the alert opens its own incident', async () => {
    setup({ namespaces: ['cart'] });
    await runAlertJob(deps, job(oomAlert()));
    expect(listed).toEqual([]);
    expect(analyses[0]!.found.detection.kind).toBe('MemoryAlert');
  });

  it('changes nothing when the same notification comes again', async () => {
    setup();
    const notification = job(webhookAlert({ labels: { pod: HEALTHY_POD, container: 'cache', reason: '' } }));
    await runAlertJob(deps, notification);
    await analyze(analyses[0]!.found);
    const before = await store.listOpen();
    const again = await runAlertJob(deps, notification);
    expect(again.outcomes).toMatchObject({ opened: 0, known: 1 });
    expect(analyses).toHaveLength(1);
    expect(updates).toEqual([]);
    expect(await store.listOpen()).toEqual(before);
  });

  it('resolves the incident an alert opened when Alertmanager says it is resolved', async () => {
    setup();
    const firing = webhookAlert({ labels: { pod: HEALTHY_POD, container: 'cache', reason: '' } });
    await runAlertJob(deps, job(firing));
    const opened = await analyze(analyses[0]!.found);
    // Resolved notifications carry the same labels; kube-state-metrics may have moved meanwhile.
    const resolved = { ...firing, status: 'resolved' as const, endsAt: '2026-11-29T03:50:00Z', labels: { ...firing.labels, instance: '10.244.9.9:8080' } };
    const summary = await runAlertJob(deps, job(resolved));
    expect(summary.outcomes.resolved).toBe(1);
    expect(await store.findOpenByFingerprint(opened.fingerprint)).toBeUndefined();
    expect((await store.get(opened.id))?.status).toBe('resolved');
    expect(updates.map((u) => u.status)).toEqual(['resolved']);
    const audit = await deps.audit.latest(1);
    expect(audit[0]).toMatchObject({ action: 'incident_resolved', incidentId: opened.id, outcome: 'resolved: Alertmanager reports the alert resolved' });
  });

  it('never resolves an incident the rules opened, nor a later firing with an earlier one\'s resolution', async () => {
    setup();
    await runAlertJob(deps, job(oomAlert()));
    const ruleIncident = await analyze(analyses[0]!.found);
    expect((await runAlertJob(deps, job(oomAlert(OOM_POD, 'resolved')))).outcomes.resolved).toBe(0);
    expect((await store.get(ruleIncident.id))?.status).toBe('open');

    const refire = webhookAlert({ startsAt: '2026-11-29T03:44:00Z', labels: { pod: HEALTHY_POD, container: 'cache', reason: '' } });
    await runAlertJob(deps, job(refire));
    await analyze(analyses.at(-1)!.found);
    const stale = { ...refire, status: 'resolved' as const, startsAt: '2026-11-29T03:00:00Z' };
    expect((await runAlertJob(deps, job(stale))).outcomes.resolved).toBe(0);
    expect(await store.findOpenByFingerprint(analyses.at(-1)!.found.fingerprint)).toBeDefined();
  });

  it('counts a firing alert over its resolved twin in one notification (only ignored labels differ)', async () => {
    setup();
    const a = webhookAlert({ labels: { pod: HEALTHY_POD, container: 'cache', reason: '' } });
    await runAlertJob(deps, job(a));
    await analyze(analyses[0]!.found);
    const oldTarget = { ...a, status: 'resolved' as const, labels: { ...a.labels, instance: '10.0.0.1:8080' } };
    const summary = await runAlertJob(deps, job(oldTarget, a));
    expect(summary.outcomes.resolved).toBe(0);
    expect(await store.findOpenByFingerprint(analyses[0]!.found.fingerprint)).toBeDefined();
  });

  it('ignores the always-firing Watchdog', async () => {
    setup();
    const summary = await runAlertJob(deps, job(webhookAlert({ labels: { alertname: 'Watchdog', namespace: '', pod: '', container: '', reason: '', severity: 'none' } })));
    expect(summary.outcomes.ignored).toBe(1);
    expect(analyses).toEqual([]);
  });

  it('bounds a flood of 1,000 alerts: the most severe open, the rest fold into one summary, once', async () => {
    setup({ maxNew: 10 });
    const alerts = Array.from({ length: 1000 }, (_, i) => webhookAlert({
      labels: { alertname: 'KubePodNotReady', pod: `web-${i}`, namespace: i % 2 ? 'shop' : 'cart', container: '', reason: '', severity: i % 100 === 7 ? 'critical' : 'warning' },
    }));
    const first = await runAlertJob(deps, job(...alerts));
    expect(first.outcomes).toMatchObject({ opened: 10, folded: 990 });
    expect(analyses).toHaveLength(10);
    // The ten critical ones are the ones opened.
    expect(analyses.map((a) => a.found.detection.pod).sort()).toEqual(Array.from({ length: 10 }, (_, k) => `web-${k * 100 + 7}`).sort());
    expect(texts).toHaveLength(1);
    expect(texts[0]).toContain('*990* more are folded');
    expect(texts[0]).toContain('990 × `KubePodNotReady` (warning)');
    for (const a of analyses) await analyze(a.found);

    // Alertmanager re-sends the group: nothing new opens, no second summary.
    const again = await runAlertJob(deps, job(...alerts));
    expect(again.outcomes).toMatchObject({ opened: 0, folded: 990, known: 10 });
    expect(analyses).toHaveLength(10);
    expect(texts).toHaveLength(1);
  });

  it('unfolds a folded alert once it resolves: firing again, it opens', async () => {
    setup({ maxNew: 1 });
    const alerts = [0, 1, 2].map((i) => webhookAlert({ labels: { alertname: 'KubePodNotReady', pod: `web-${i}`, container: '', reason: '' } }));
    await runAlertJob(deps, job(...alerts));
    expect(analyses).toHaveLength(1);
    const folded = alerts.find((a) => a.labels.pod !== analyses[0]!.found.detection.pod)!;
    await runAlertJob(deps, job({ ...folded, status: 'resolved', endsAt: '2026-11-29T03:50:00Z' }));
    const refire = { ...folded, startsAt: '2026-11-29T04:10:00Z' };
    expect((await runAlertJob(deps, job(refire))).outcomes).toMatchObject({ opened: 1, folded: 0 });
    expect(analyses.at(-1)!.found.detection.pod).toBe(folded.labels.pod);
  });

  it('lets the job retry when the API server cannot be reached, rather than guess', async () => {
    setup({ cluster: { listPods: async () => { throw new AppError('k8s_unreachable', 'connect ECONNREFUSED'); } } });
    await expect(runAlertJob(deps, job(oomAlert()))).rejects.toMatchObject({ code: 'k8s_unreachable' });
    expect(analyses).toEqual([]);
  });
});
