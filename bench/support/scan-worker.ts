// One measured scan in a fresh process, so its peak RSS is the scan's own: `detect` runs
// detectNamespace; `scan-job` runs the whole scan job (runScanJob: detection, tracking against a
// real Redis store and audit log) with a queue that only counts and no Slack notifier.
// Usage: node bench/support/scan-worker.ts <detect|scan-job> <kubeconfig> <namespace>
// Prints one JSON line: { wallMs, rssBeforeKiB, maxRssKiB, heapBeforeKiB, heapAfterGcKiB, podsChecked, found, enqueued }.
// Run with --expose-gc: heapAfterGcKiB is the heap still used, after a full GC, while the scan's
// result is held (what the scan retains, as opposed to the garbage behind its peak RSS).
import { KubeConfig } from '@kubernetes/client-node';
import { sha256Hex } from '../../src/adapters/hash.ts';
import { createClusterReader } from '../../src/adapters/kubernetes/cluster-reader.ts';
import { RedisAuditLog } from '../../src/adapters/redis/audit-log.ts';
import { connectRedis } from '../../src/adapters/redis/connection.ts';
import { createIncidentStore } from '../../src/adapters/redis/incident-store.ts';
import { silentLogger } from '../../src/logging.ts';
import { systemClock, type JobQueue } from '../../src/ports.ts';
import { detectNamespace } from '../../src/usecases/detect-namespace.ts';
import { runScanJob } from '../../src/usecases/run-scan-job.ts';
import { deleteKeysUnder, SHARED_REDIS_URL, uniquePrefix } from '../../test/support/redis-keys.ts';

const [mode, kubeconfigPath, namespace] = process.argv.slice(2);
if ((mode !== 'detect' && mode !== 'scan-job') || !kubeconfigPath || !namespace) {
  console.error('usage: scan-worker.ts <detect|scan-job> <kubeconfig> <namespace>');
  process.exit(2);
}

const kc = new KubeConfig();
kc.loadFromFile(kubeconfigPath);
const cluster = createClusterReader(kc);
const rssKiB = () => Math.round(process.memoryUsage.rss() / 1024);
const heapAfterGcKiB = (): number => {
  (globalThis as { gc?: () => void }).gc?.();
  return Math.round(process.memoryUsage().heapUsed / 1024);
};

if (mode === 'detect') {
  const heapBeforeKiB = heapAfterGcKiB();
  const rssBeforeKiB = rssKiB();
  const t0 = performance.now();
  const result = await detectNamespace(cluster, namespace);
  const wallMs = performance.now() - t0;
  const maxRssKiB = process.resourceUsage().maxRSS;
  console.log(JSON.stringify({ wallMs, rssBeforeKiB, maxRssKiB, heapBeforeKiB, heapAfterGcKiB: heapAfterGcKiB(), podsChecked: result.podsChecked, found: result.found.length, enqueued: 0 }));
} else {
  const redis = await connectRedis(SHARED_REDIS_URL, 'store');
  const prefix = uniquePrefix('bench-scan');
  let enqueued = 0;
  const queue: JobQueue = {
    enqueueScan: async () => ({ jobId: 'scan' }),
    enqueueAnalyze: async () => ({ jobId: `analyze-${++enqueued}` }),
    enqueueThread: async () => ({ jobId: 'thread' }),
  };
  try {
    const deps = {
      cluster, queue, notifier: undefined, clock: systemClock, logger: silentLogger, hash: sha256Hex, quietMinutes: 30,
      store: createIncidentStore({ redis, prefix, logger: silentLogger }),
      audit: new RedisAuditLog(redis, prefix, systemClock),
    };
    const heapBeforeKiB = heapAfterGcKiB();
    const rssBeforeKiB = rssKiB();
    const t0 = performance.now();
    const summary = await runScanJob(deps, { namespace, trigger: 'schedule' });
    const wallMs = performance.now() - t0;
    const maxRssKiB = process.resourceUsage().maxRSS;
    console.log(JSON.stringify({ wallMs, rssBeforeKiB, maxRssKiB, heapBeforeKiB, heapAfterGcKiB: heapAfterGcKiB(), podsChecked: summary?.podsChecked ?? 0, found: summary?.queuedNew.length ?? 0, enqueued }));
  } finally {
    await deleteKeysUnder(redis, prefix);
    redis.disconnect();
  }
}
