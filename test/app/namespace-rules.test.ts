// The namespace's rules (its policy thresholds) reach every path that detects: the scheduled scan,
// the pod watch and the event watch. An exit-1 container running again after 2 restarts is a crash
// loop only where the policy says 2 restarts are enough.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { sha256Hex } from '../../src/adapters/hash.ts';
import { createMetrics } from '../../src/adapters/http/metrics.ts';
import { createDumpReader } from '../../src/adapters/kubernetes/dump-reader.ts';
import { RedisAuditLog } from '../../src/adapters/redis/audit-log.ts';
import { connectRedis } from '../../src/adapters/redis/connection.ts';
import { createIncidentStore } from '../../src/adapters/redis/incident-store.ts';
import { createEventHandler } from '../../src/app/event-handler.ts';
import { createWatchHandler } from '../../src/app/watch-handler.ts';
import { rulesWith } from '../../src/core/detection/registry.ts';
import type { DetectionRule } from '../../src/core/detection/rule.ts';
import type { AnalyzeJob } from '../../src/core/jobs.ts';
import { parseEvent } from '../../src/core/kube/parse.ts';
import { silentLogger } from '../../src/logging.ts';
import type { JobQueue } from '../../src/ports.ts';
import { runScanJob } from '../../src/usecases/run-scan-job.ts';
import type { TrackDeps } from '../../src/usecases/track-scan.ts';
import { kubeFixture } from '../fixtures/kube/load.ts';
import { eventually } from '../support/eventually.ts';
import { deleteKeysUnder, SHARED_REDIS_URL, uniquePrefix } from '../support/redis-keys.ts';

// pod-exit1-crashloop (namespace shop), running again after 2 restarts: not backing off now.
const raw = kubeFixture('pod-exit1-crashloop');
const status = (raw.status as { containerStatuses: Array<Record<string, unknown>> }).containerStatuses[0]!;
status.restartCount = 2;
status.state = { running: { startedAt: '2024-05-14T08:50:00Z' } };
const cluster = createDumpReader({ kind: 'List', items: [raw] });
const NOW = new Date('2024-05-14T08:51:00Z');

describe('the namespace\'s rules on every detection path', () => {
  let redis: Redis;
  let prefix: string;
  let analyses: AnalyzeJob[];
  let track: TrackDeps;
  beforeAll(async () => {
    redis = await connectRedis(SHARED_REDIS_URL, 'store');
  });
  afterAll(() => redis.disconnect());
  afterEach(async () => deleteKeysUnder(redis, prefix));

  function setup(): void {
    prefix = uniquePrefix('ns-rules');
    analyses = [];
    const queue: JobQueue = {
      enqueueAnalyze: async (job) => { analyses.push(job); return { jobId: String(analyses.length) }; },
      enqueueScan: async () => ({ jobId: 'scan' }),
      enqueueThread: async () => ({ jobId: 'thread' }),
    };
    track = { store: createIncidentStore({ redis, prefix }), queue, notifier: undefined, audit: new RedisAuditLog(redis, prefix), clock: { now: () => NOW }, logger: silentLogger, hash: sha256Hex, quietMinutes: 30 };
  }

  const tuned = (restarts: number) => (ns: string): readonly DetectionRule[] => (ns === 'shop' ? rulesWith({ crashLoopRestarts: restarts }) : rulesWith({ crashLoopRestarts: 3 }));
  const pod = async () => (await cluster.listPods('shop'))[0]!;

  const paths: Array<[string, (rulesFor: (ns: string) => readonly DetectionRule[]) => Promise<void>]> = [
    ['the scheduled scan', async (rulesFor) => { await runScanJob({ ...track, cluster, rulesFor }, { namespace: 'shop', trigger: 'schedule' }); }],
    ['the pod watch', async (rulesFor) => {
      await createWatchHandler({ cluster, track, metrics: createMetrics(), clock: track.clock, logger: silentLogger, namespaces: new Set(), rulesFor })(await pod(), 'MODIFIED');
    }],
    ['the event watch', async (rulesFor) => {
      // Once the pod is being read, stop() waits for that check to finish: its verdict is then in the analyses (or not).
      let reads = 0;
      const counting = { ...cluster, readPod: async (ns: string, name: string) => { reads++; return (await cluster.listPods(ns)).find((x) => x.name === name); } };
      const h = createEventHandler({ cluster: counting, track, metrics: createMetrics(), clock: track.clock, logger: silentLogger, namespaces: new Set(), rulesFor, coalesceMs: 5 });
      const p = await pod();
      h.onEvent(parseEvent({ kind: 'Event', metadata: { name: `${p.name}.BackOff`, namespace: 'shop' }, regarding: { kind: 'Pod', name: p.name, namespace: 'shop' }, reason: 'BackOff', note: 'Back-off restarting failed container', type: 'Warning', eventTime: '2024-05-14T08:50:30.000000Z' }), { initial: false });
      await eventually('the pod read', () => reads > 0);
      await h.stop();
    }],
  ];

  it.each(paths)('%s finds the crash loop only where the policy lowers the threshold', async (_path, run) => {
    setup();
    await run(tuned(3));
    expect(analyses).toEqual([]);
    setup();
    await run(tuned(2));
    expect(analyses.map((a) => a.found.detection.kind)).toEqual(['CrashLoop']);
  });
});
