// The event watch's handler on the real store: which Warning events lead to a pod read, how a
// burst about one pod is folded into one read, and that an event arriving during a read is not lost.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { sha256Hex } from '../../src/adapters/hash.ts';
import { createDumpReader } from '../../src/adapters/kubernetes/dump-reader.ts';
import { RedisAuditLog } from '../../src/adapters/redis/audit-log.ts';
import { connectRedis } from '../../src/adapters/redis/connection.ts';
import { createIncidentStore } from '../../src/adapters/redis/incident-store.ts';
import { createEventHandler, type EventHandler } from '../../src/app/event-handler.ts';
import type { AnalyzeJob } from '../../src/core/jobs.ts';
import { parseEvent } from '../../src/core/kube/parse.ts';
import type { EventSnapshot, PodSnapshot } from '../../src/core/model.ts';
import type { ClusterReader, JobQueue } from '../../src/ports.ts';
import { kubeFixture } from '../fixtures/kube/load.ts';
import { eventually } from '../support/eventually.ts';
import { recordingLogger, type RecordingLogger } from '../support/recording-logger.ts';
import { deleteKeysUnder, SHARED_REDIS_URL, uniquePrefix } from '../support/redis-keys.ts';

// session-cache-7c9f5d8b6-q4w2z in shop: running, containers cache (64Mi) and exporter.
const running = kubeFixture('pod-leaking-running');
const POD = 'session-cache-7c9f5d8b6-q4w2z';
const OTHER = 'session-cache-7c9f5d8b6-zz9k1';
const other = { ...running, metadata: { ...(running.metadata as object), name: OTHER, uid: 'other-uid' } };

function event(reason: string, opts: { pod?: string; kind?: string; namespace?: string; at?: string; message?: string } = {}): EventSnapshot {
  return parseEvent({
    kind: 'Event',
    metadata: { name: `${opts.pod ?? POD}.${reason}`, namespace: opts.namespace ?? 'shop' },
    regarding: { kind: opts.kind ?? 'Pod', name: opts.pod ?? POD, namespace: opts.namespace ?? 'shop' },
    reason,
    note: opts.message ?? (reason === 'SystemOOM' ? 'System OOM encountered, victim process: java, pid: 12345' : `${reason} happened`),
    type: 'Warning',
    eventTime: opts.at ?? '2024-05-14T10:15:00.000000Z',
    reportingController: 'kubelet',
  });
}

describe('the event handler', () => {
  let redis: Redis;
  let prefix: string;
  let analyses: AnalyzeJob[];
  let reads: string[];
  let gate: PromiseWithResolvers<void> | undefined;
  let logger: RecordingLogger;
  let handler: EventHandler | undefined;

  beforeAll(async () => {
    redis = await connectRedis(SHARED_REDIS_URL, 'store');
  });
  afterAll(() => redis.disconnect());
  afterEach(async () => {
    await handler?.stop();
    await deleteKeysUnder(redis, prefix);
  });

  function start(namespaces: string[] = ['shop']): EventHandler {
    prefix = uniquePrefix('events');
    analyses = [];
    reads = [];
    gate = undefined;
    logger = recordingLogger();
    const dump = createDumpReader({ kind: 'List', items: [running, other] });
    // The dump's pods, read one at a time (counted); a read may be held open by the gate.
    const cluster: ClusterReader = {
      ...dump,
      readPod: async (namespace: string, name: string): Promise<PodSnapshot | undefined> => {
        reads.push(`${namespace}/${name}`);
        await gate?.promise;
        return (await dump.listPods(namespace)).find((p) => p.name === name);
      },
    };
    const queue: JobQueue = {
      enqueueAnalyze: async (job) => { analyses.push(job); return { jobId: String(analyses.length) }; },
      enqueueScan: async () => ({ jobId: 'scan' }),
      enqueueThread: async () => ({ jobId: 'thread' }),
    };
    const store = createIncidentStore({ redis, prefix });
    const observed: number[] = [];
    handler = createEventHandler({
      cluster,
      track: { store, queue, notifier: undefined, audit: new RedisAuditLog(redis, prefix), clock: { now: () => new Date('2024-05-14T10:15:01Z') }, logger, hash: sha256Hex, quietMinutes: 30 },
      metrics: { detectionLatencySeconds: { observe: (s: number) => void observed.push(s), startTimer: () => () => 0 } },
      clock: { now: () => new Date('2024-05-14T10:15:01Z') },
      logger,
      namespaces: new Set(namespaces),
      coalesceMs: 20,
    });
    return handler;
  }

  it('folds a burst of events about one pod into one read, and a SystemOOM into one ProcessOOM analysis', async () => {
    const h = start();
    for (const reason of ['SystemOOM', 'BackOff', 'SystemOOM', 'Unhealthy', 'FailedMount']) h.onEvent(event(reason), { initial: false });
    await eventually('the analysis queued', () => analyses.length === 1);
    await h.stop();
    expect(reads).toEqual([`shop/${POD}`]);
    expect(analyses[0]!.found.detection).toMatchObject({ kind: 'ProcessOOM', pod: POD, container: 'cache', reason: 'SystemOOM', lastTerminatedAt: '2024-05-14T10:15:00.000Z' });
    expect(analyses[0]!.found.detection.facts).toContain('victim process: java pid=12345');
    expect(analyses[0]!.found.source).toEqual({ kind: 'event', name: 'SystemOOM' });
  });

  it('reads each pod a burst is about once', async () => {
    const h = start();
    h.onEvent(event('SystemOOM'), { initial: false });
    h.onEvent(event('SystemOOM', { pod: OTHER }), { initial: false });
    h.onEvent(event('BackOff', { pod: OTHER }), { initial: false });
    await eventually('both analyses queued', () => analyses.length === 2);
    await h.stop();
    expect(reads.sort()).toEqual([`shop/${POD}`, `shop/${OTHER}`].sort());
  });

  it('reads the pod again for an event that came during a read, with that event in hand', async () => {
    const h = start();
    gate = Promise.withResolvers<void>();
    h.onEvent(event('BackOff'), { initial: false });
    await eventually('the first read under way', () => reads.length === 1);
    h.onEvent(event('SystemOOM'), { initial: false });
    gate.resolve();
    await eventually('the second read', () => reads.length === 2);
    await eventually('the OOM found by the second read', () => analyses.length === 1);
    expect(analyses[0]!.found.detection.kind).toBe('ProcessOOM');
  });

  it.each([
    { name: 'a reason that is not one of the watched ones', e: event('FailedCreatePodSandBox'), initial: false },
    { name: 'a namespace out of scope', e: event('SystemOOM', { namespace: 'payments' }), initial: false },
    { name: 'a back-off already there at start-up (the start-up scan sees its pod)', e: event('BackOff'), initial: true },
  ])('reads nothing for $name', async ({ e, initial }) => {
    const h = start();
    h.onEvent(e, { initial });
    h.onEvent(event('SystemOOM', { pod: OTHER }), { initial: false });
    // Events are handled in the order given: once the other pod is analyzed, the first was judged.
    await eventually('the other pod analyzed', () => analyses.length === 1);
    await h.stop();
    expect(reads).toEqual([`shop/${OTHER}`]);
  });

  it('takes a process OOM kill that happened before the start (only an event tells)', async () => {
    const h = start();
    h.onEvent(event('OOMKilling', { message: 'Memory cgroup out of memory: Killed process 4242 (python3) total-vm:1048576kB' }), { initial: true });
    await eventually('the analysis queued', () => analyses.length === 1);
    expect(analyses[0]!.found.detection).toMatchObject({ kind: 'ProcessOOM', reason: 'OOMKilling' });
  });

  it('watches every namespace when none is configured', async () => {
    const h = start([]);
    h.onEvent(event('SystemOOM'), { initial: false });
    await eventually('the analysis queued', () => analyses.length === 1);
  });

  it('leaves a node-level OOM alone, with a debug line saying why', async () => {
    const h = start();
    h.onEvent(event('SystemOOM', { kind: 'Node', pod: 'ip-10-0-3-17.eu-west-1.compute.internal' }), { initial: false });
    h.onEvent(event('SystemOOM', { pod: OTHER }), { initial: false });
    await eventually('the other pod analyzed', () => analyses.length === 1);
    await h.stop();
    expect(reads).toEqual([`shop/${OTHER}`]);
    expect(logger.entries.some((e) => e.level === 'debug' && e.msg === 'Warning event not about a pod: not tied to an incident' && e.fields.object === 'Node/ip-10-0-3-17.eu-west-1.compute.internal')).toBe(true);
  });

  it('checks nothing for a pod that is gone', async () => {
    const h = start();
    h.onEvent(event('SystemOOM', { pod: 'session-cache-7c9f5d8b6-gone1' }), { initial: false });
    await eventually('the read', () => reads.length === 1);
    await h.stop();
    expect(analyses).toEqual([]);
    expect(logger.entries.some((e) => e.level === 'warn')).toBe(false);
  });
});
