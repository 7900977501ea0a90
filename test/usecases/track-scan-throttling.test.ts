// CPU throttling is a condition: the scan keeps its incident open while Prometheus still measures
// it, resolves it once it is gone and quiet, and neither confirms nor resolves it when Prometheus
// could not be asked.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { RedisAuditLog } from '../../src/adapters/redis/audit-log.ts';
import { connectRedis } from '../../src/adapters/redis/connection.ts';
import { createIncidentStore } from '../../src/adapters/redis/incident-store.ts';
import { sha256Hex } from '../../src/adapters/hash.ts';
import { analysisKey } from '../../src/core/incident/tracking.ts';
import type { IncidentReport } from '../../src/core/model.ts';
import { silentLogger } from '../../src/logging.ts';
import type { IncidentStore } from '../../src/ports.ts';
import { trackScan, type TrackDeps } from '../../src/usecases/track-scan.ts';
import { foundIncident, incidentReport } from '../fixtures/incidents/report.ts';
import { deleteKeysUnder, SHARED_REDIS_URL, uniquePrefix } from '../support/redis-keys.ts';

// Long after the incident was first seen: any incident the scan no longer confirms is quiet.
const LATER = new Date('2025-03-04T12:00:00Z');

describe('trackScan and CPU throttling', () => {
  let redis: Redis;
  let prefix: string;
  let store: IncidentStore;
  let deps: TrackDeps;

  beforeAll(async () => {
    redis = await connectRedis(SHARED_REDIS_URL, 'store');
  });
  afterAll(() => redis.disconnect());
  afterEach(async () => deleteKeysUnder(redis, prefix));

  async function openThrottling(): Promise<IncidentReport> {
    prefix = uniquePrefix('track-cpu');
    store = createIncidentStore({ redis, prefix });
    deps = {
      store, notifier: undefined, audit: new RedisAuditLog(redis, prefix), clock: { now: () => LATER }, logger: silentLogger, hash: sha256Hex, quietMinutes: 30,
      queue: { enqueueAnalyze: async () => ({ jobId: 'a' }), enqueueScan: async () => ({ jobId: 's' }), enqueueThread: async () => ({ jobId: 't' }) },
    };
    const base = incidentReport();
    const detection = { ...base.detection, kind: 'CpuThrottling' as const, reason: 'throttled by its CPU limit', exitCode: undefined, lastTerminatedAt: undefined };
    const report = incidentReport({ detection, fingerprint: 'cpu-throttling-0123456789abcdef', contextHash: sha256Hex(analysisKey(detection)), slack: { channel: 'C0INCIDENTS', ts: '1.1' } });
    await store.claim(report.fingerprint, report);
    return report;
  }

  const running = (report: IncidentReport) => {
    const found = foundIncident(report);
    return { ...found, pod: { ...found.pod, containers: found.pod.containers.map((c) => ({ ...c, ready: true, state: { kind: 'running' as const } })) } };
  };
  const scan = (found: ReturnType<typeof running>[], pods = found.map((f) => f.pod)) => ({ namespace: 'demo', podsChecked: pods.length, pods, found });

  it('keeps the incident open while the throttling is still measured, however quiet', async () => {
    const report = await openThrottling();
    const summary = await trackScan(deps, scan([running(report)]), { resolveMissing: true, source: { kind: 'scan' } });
    expect(summary.resolved).toEqual([]);
    expect(summary.known.map((r) => r.id)).toEqual([report.id]);
    expect((await store.get(report.id))?.status).toBe('open');
  });

  it('resolves it once Prometheus no longer measures it', async () => {
    const report = await openThrottling();
    const summary = await trackScan(deps, scan([], [running(report).pod]), { resolveMissing: true, source: { kind: 'scan' } });
    expect(summary.resolved.map((r) => r.id)).toEqual([report.id]);
  });

  it('leaves it as it is when Prometheus could not be asked', async () => {
    const report = await openThrottling();
    const summary = await trackScan(deps, scan([], [running(report).pod]), { resolveMissing: true, source: { kind: 'scan' }, unjudged: ['CpuThrottling'] });
    expect(summary.resolved).toEqual([]);
    expect((await store.get(report.id))?.status).toBe('open');
  });
});
