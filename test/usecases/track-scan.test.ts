// The tracking use case on the real store: what gets queued, updated in place and resolved, and
// what a single-pod watch event may not touch.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { RedisAuditLog } from '../../src/adapters/redis/audit-log.ts';
import { connectRedis } from '../../src/adapters/redis/connection.ts';
import { createIncidentStore } from '../../src/adapters/redis/incident-store.ts';
import { sha256Hex } from '../../src/adapters/hash.ts';
import { analysisKey } from '../../src/core/incident/tracking.ts';
import type { AnalyzeJob } from '../../src/core/jobs.ts';
import type { FoundIncident, IncidentReport } from '../../src/core/model.ts';
import { silentLogger } from '../../src/logging.ts';
import type { ChatNotifier, IncidentStore, JobQueue, SlackRef } from '../../src/ports.ts';
import { trackScan, type TrackDeps } from '../../src/usecases/track-scan.ts';
import { foundIncident, incidentReport } from '../fixtures/incidents/report.ts';
import { deleteKeysUnder, SHARED_REDIS_URL, uniquePrefix } from '../support/redis-keys.ts';

const NOW = new Date('2025-03-04T09:15:00Z');

describe('trackScan', () => {
  let redis: Redis;
  let prefix: string;
  let store: IncidentStore;
  let analyses: AnalyzeJob[];
  let updates: IncidentReport[];
  let deps: TrackDeps;

  beforeAll(async () => {
    redis = await connectRedis(SHARED_REDIS_URL, 'store');
  });
  afterAll(() => redis.disconnect());
  afterEach(async () => deleteKeysUnder(redis, prefix));

  function setup(now = NOW) {
    prefix = uniquePrefix('track');
    store = createIncidentStore({ redis, prefix });
    analyses = [];
    updates = [];
    const queue: JobQueue = {
      enqueueAnalyze: async (job) => { analyses.push(job); return { jobId: String(analyses.length) }; },
      enqueueScan: async () => ({ jobId: 'scan' }),
      enqueueThread: async () => ({ jobId: 'thread' }),
    };
    const notifier: ChatNotifier = {
      postIncident: async (): Promise<SlackRef> => ({ channel: 'C0INCIDENTS', ts: '1.1' }),
      updateIncident: async (r) => { updates.push(r); },
      postText: async () => ({ channel: 'C0INCIDENTS', ts: '2.2' }),
    };
    deps = { store, queue, notifier, audit: new RedisAuditLog(redis, prefix), clock: { now: () => now }, logger: silentLogger, hash: sha256Hex, quietMinutes: 30 };
  }

  const result = (found: FoundIncident[]) => ({ namespace: 'demo', podsChecked: 3, pods: found.map((f) => f.pod), found });
  const posted = (over: Partial<IncidentReport> = {}) => incidentReport({ contextHash: sha256Hex(analysisKey(incidentReport().detection)), slack: { channel: 'C0INCIDENTS', ts: '1.1' }, ...over });

  it('queues one analysis for a new incident, keyed by its occurrence', async () => {
    setup();
    const found = foundIncident();
    const summary = await trackScan(deps, result([found]), { resolveMissing: true, source: { kind: 'scan' } });
    expect(summary.queuedNew).toEqual([found.fingerprint]);
    expect(analyses).toHaveLength(1);
    expect(analyses[0]).toMatchObject({ fingerprint: found.fingerprint, namespace: 'demo', pod: found.detection.pod });
    expect(analyses[0]!.incidentId).toBeUndefined();
  });

  it.each([
    { batch: { kind: 'scan' as const }, own: undefined, queued: { kind: 'scan' } },
    { batch: { kind: 'watch' as const }, own: undefined, queued: { kind: 'watch' } },
    { batch: { kind: 'event' as const, name: 'BackOff' }, own: { kind: 'alert' as const, name: 'KubePodCrashLooping' }, queued: { kind: 'alert', name: 'KubePodCrashLooping' } },
  ])('sends the analysis where the incident was found: batch $batch.kind, own $own.kind', async ({ batch, own, queued }) => {
    setup();
    const found = { ...foundIncident(), ...(own ? { source: own } : {}) };
    await trackScan(deps, result([found]), { resolveMissing: true, source: batch });
    expect(analyses[0]!.found.source).toEqual(queued);
  });

  it('leaves an unchanged open incident alone: no analysis, no Slack update', async () => {
    setup();
    await store.claim(posted().fingerprint, posted());
    const summary = await trackScan(deps, result([foundIncident(posted())]), { resolveMissing: true, source: { kind: 'scan' } });
    expect(summary.known.map((r) => r.id)).toEqual([posted().id]);
    expect(analyses).toEqual([]);
    expect(updates).toEqual([]);
  });

  it('updates the message in place on a recurrence and re-analyzes only when the limits changed', async () => {
    setup();
    await store.claim(posted().fingerprint, posted());
    const base = foundIncident(posted());
    const again = { ...base, detection: { ...base.detection, restartCount: 5, lastTerminatedAt: '2025-03-04T09:14:00Z' } };
    await trackScan(deps, result([again]), { resolveMissing: true, source: { kind: 'scan' } });
    expect(updates.map((u) => [u.occurrences, u.detection.restartCount])).toEqual([[2, 5]]);
    expect(analyses).toEqual([]);

    const resized = { ...base, detection: { ...base.detection, memoryLimit: '256Mi', lastTerminatedAt: '2025-03-04T09:14:30Z' } };
    await trackScan(deps, result([resized]), { resolveMissing: true, source: { kind: 'scan' } });
    expect(analyses).toHaveLength(1);
    expect(analyses[0]!.incidentId).toBe(posted().id);
  });

  it('resolves only its own cluster\'s incidents when another cluster has a namespace of the same name', async () => {
    setup(new Date('2025-03-04T11:00:00Z'));
    const mine = posted({ id: 'inc-a', fingerprint: 'oom-aaaa', cluster: 'a' });
    const theirs = posted({ id: 'inc-b', fingerprint: 'oom-bbbb', cluster: 'b' });
    const legacy = posted({ id: 'inc-old', fingerprint: 'oom-0ld' });
    for (const r of [mine, theirs, legacy]) await store.claim(r.fingerprint, r);
    const scan = await trackScan(deps, { ...result([]), clusterRef: { name: 'a', named: true } }, { resolveMissing: true, source: { kind: 'scan' } });
    expect(scan.resolved.map((r) => r.id).sort()).toEqual(['inc-a', 'inc-old']);
    expect((await store.get('inc-b'))?.status).toBe('open');
    const audit = await deps.audit.latest(5);
    expect(audit.filter((e) => e.action === 'incident_resolved').map((e) => e.subject?.cluster).sort()).toEqual(['a', undefined]);
  });

  it('resolves a quiet incident whose pod is gone on a full scan, but not from a single-pod watch event', async () => {
    setup(new Date('2025-03-04T11:00:00Z'));
    await store.claim(posted().fingerprint, posted());
    const watch = await trackScan(deps, result([]), { resolveMissing: false, source: { kind: 'watch' } });
    expect(watch.resolved).toEqual([]);
    const scan = await trackScan(deps, result([]), { resolveMissing: true, source: { kind: 'scan' } });
    expect(scan.resolved.map((r) => r.status)).toEqual(['resolved']);
    expect(updates.at(-1)?.status).toBe('resolved');
    const audit = await deps.audit.latest(5);
    expect(audit.map((e) => e.action)).toContain('incident_resolved');
  });

  it('reads only the scanned namespace\'s open incidents, never every open incident in Redis', async () => {
    setup(new Date('2025-03-04T11:00:00Z'));
    await store.claim(posted().fingerprint, posted());
    const elsewhere = posted({ id: 'inc-shop', fingerprint: 'oom-shop' });
    await store.claim(elsewhere.fingerprint, { ...elsewhere, detection: { ...elsewhere.detection, namespace: 'shop' } });
    // A scan runs per namespace every minute: listing the whole fleet's open incidents each time does not scale.
    const scoped: TrackDeps = { ...deps, store: Object.assign(Object.create(store) as IncidentStore, { listOpen: () => { throw new Error('a scan listed every open incident'); } }) };
    const scan = await trackScan(scoped, result([]), { resolveMissing: true, source: { kind: 'scan' } });
    expect(scan.resolved.map((r) => r.id)).toEqual([posted().id]);
    expect((await store.get('inc-shop'))?.status).toBe('open');
  });

  it('counts one OOM once when a watch event and a scan see it at the same time', async () => {
    setup();
    await store.claim(posted().fingerprint, posted());
    const base = foundIncident(posted());
    const again = { ...base, detection: { ...base.detection, restartCount: 5, lastTerminatedAt: '2025-03-04T09:14:00Z' } };
    const summaries = await Promise.all([trackScan(deps, result([again]), { resolveMissing: false, source: { kind: 'watch' } }), trackScan(deps, result([again]), { resolveMissing: true, source: { kind: 'scan' } })]);
    expect((await store.get(posted().id))?.occurrences).toBe(2);
    // The one that counted it repaints the message; the other finds it counted and leaves it.
    expect(summaries.flatMap((s) => s.recurred)).toHaveLength(1);
    expect(updates).toHaveLength(1);
  });

  it('keeps a decided incident as decided, and opens a new one when it recurs under changed limits', async () => {
    setup();
    await store.claim(posted().fingerprint, posted());
    await store.decide(posted().id, { action: 'approve', userId: 'U0SREALICE', at: '2025-03-04T09:13:00Z' });
    const base = foundIncident(posted());
    // Same crash, limits changed (the approved change was applied): no re-analysis of the decided one.
    await trackScan(deps, result([{ ...base, detection: { ...base.detection, memoryLimit: '256Mi' } }]), { resolveMissing: true, source: { kind: 'scan' } });
    expect(analyses).toEqual([]);
    expect((await store.get(posted().id))?.status).toBe('approved');
    // It crashes again at the new limit: the decided incident is closed and a new one analyzed.
    const again = { ...base, detection: { ...base.detection, memoryLimit: '256Mi', lastTerminatedAt: '2025-03-04T09:14:30Z' } };
    const summary = await trackScan(deps, result([again]), { resolveMissing: true, source: { kind: 'scan' } });
    expect(summary.queuedNew).toEqual([base.fingerprint]);
    expect(analyses).toHaveLength(1);
    expect(analyses[0]!.incidentId).toBeUndefined();
    const old = await store.get(posted().id);
    expect(old?.status).toBe('resolved');
    expect(old?.decision?.userId).toBe('U0SREALICE');
  });

  it('posts an open incident whose first post failed', async () => {
    setup();
    const unposted = posted({ slack: undefined });
    await store.claim(unposted.fingerprint, unposted);
    await trackScan(deps, result([foundIncident(unposted)]), { resolveMissing: true, source: { kind: 'scan' } });
    expect((await store.get(unposted.id))?.slack).toEqual({ channel: 'C0INCIDENTS', ts: '1.1' });
    const audit = await deps.audit.latest(5);
    expect(audit.map((e) => e.action)).toContain('incident_posted');
  });

  it('does not resolve a leak forecast that is still projected, however quiet', async () => {
    setup(new Date('2025-03-04T12:00:00Z'));
    const base = posted();
    const leak = posted({ detection: { ...base.detection, kind: 'MemoryLeakForecast', reason: 'projected to reach limit', lastTerminatedAt: undefined } });
    await store.claim(leak.fingerprint, leak);
    const found = foundIncident(leak);
    const running = { ...found, pod: { ...found.pod, containers: found.pod.containers.map((c) => ({ ...c, ready: true, state: { kind: 'running' as const } })) } };
    const summary = await trackScan(deps, result([running]), { resolveMissing: true, source: { kind: 'scan' } });
    expect(summary.resolved).toEqual([]);
    expect((await store.get(leak.id))?.status).toBe('open');
  });

  it('does not reopen an incident for the same old OOM still shown in lastState', async () => {
    setup(new Date('2025-03-04T11:00:00Z'));
    await store.claim(posted().fingerprint, posted());
    await store.resolve(posted().id, '2025-03-04T10:00:00Z');
    const summary = await trackScan(deps, result([foundIncident(posted())]), { resolveMissing: true, source: { kind: 'scan' } });
    expect(summary.queuedNew).toEqual([]);
    expect(analyses).toEqual([]);
  });

  describe('a muted fingerprint', () => {
    const mute = (r: IncidentReport, until = '2025-03-04T13:15:00.000Z', key = analysisKey(r.detection)) =>
      store.setMute({ fingerprint: r.fingerprint, until, userId: 'U0SREALICE', at: NOW.toISOString(), analysisKey: key }, 3_600_000);

    it('counts a recurrence without updating the message or analyzing', async () => {
      setup();
      await store.claim(posted().fingerprint, posted());
      await mute(posted());
      const base = foundIncident(posted());
      const again = { ...base, detection: { ...base.detection, restartCount: 5, lastTerminatedAt: '2025-03-04T09:14:00Z' } };
      const summary = await trackScan(deps, result([again]), { resolveMissing: true, source: { kind: 'scan' } });
      expect(updates).toEqual([]);
      expect(analyses).toEqual([]);
      expect(summary.known.map((r) => r.occurrences)).toEqual([2]);
      expect((await store.get(posted().id))?.occurrences).toBe(2);
    });

    it('stays silent when its incident resolved and came back unchanged: no new incident, no analysis', async () => {
      setup();
      await mute(posted());
      const summary = await trackScan(deps, result([foundIncident(posted())]), { resolveMissing: true, source: { kind: 'scan' } });
      expect(summary.queuedNew).toEqual([]);
      expect(analyses).toEqual([]);
    });

    it('ends the mute when the incident comes back in a new form, and audits that', async () => {
      setup();
      await store.claim(posted().fingerprint, { ...posted(), mute: { userId: 'U0SREALICE', at: NOW.toISOString(), until: '2025-03-04T13:15:00.000Z' } });
      await mute(posted());
      const base = foundIncident(posted());
      const newForm = { ...base, detection: { ...base.detection, memoryLimit: '256Mi' } };
      await trackScan(deps, result([newForm]), { resolveMissing: true, source: { kind: 'scan' } });
      expect(await store.getMute(posted().fingerprint)).toBeUndefined();
      expect((await store.get(posted().id))?.mute).toBeUndefined();
      expect(analyses).toHaveLength(1);
      const entries = [];
      for await (const e of deps.audit.export()) entries.push(e);
      expect(entries.map((e) => [e.actor, e.action, e.outcome])).toContainEqual(['system', 'unmuted', 'unmuted: it came back in a new form']);
    });

    it('is forgotten once it has ended', async () => {
      setup();
      await mute(posted(), '2025-03-04T09:00:00.000Z');
      const summary = await trackScan(deps, result([foundIncident(posted())]), { resolveMissing: true, source: { kind: 'scan' } });
      expect(summary.queuedNew).toEqual([posted().fingerprint]);
    });
  });

  it('skips a family the namespace\'s policy does not report: nothing queued, nothing known', async () => {
    setup();
    const found = foundIncident();
    deps = { ...deps, reported: (_ns, kind) => kind !== found.detection.kind };
    const summary = await trackScan(deps, result([found]), { resolveMissing: true, source: { kind: 'scan' } });
    expect(summary).toMatchObject({ queuedNew: [], known: [], recurred: [] });
    expect(analyses).toEqual([]);
  });
});
