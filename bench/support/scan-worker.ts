// One measured process for bench/scan-cost.ts: the agent's scan job (runScanJob with the real
// Redis store and audit log, the agent's ClusterReader) on a namespace, twice:
//   first     — every incident is new (queued for analysis; the analyses run after the measurement,
//               without an LLM, so that the incidents exist for the next scan);
//   unchanged — the same namespace again, every incident already known: the scheduled scan's
//               steady state. Redis commands on the scan's keys are counted with MONITOR.
// Usage: node --expose-gc bench/support/scan-worker.ts <kubeconfig> <namespace>
// Prints one JSON line: { scans: [{ phase, rssBeforeKiB, wallMs, cpuMs, maxRssKiB (peak during that scan), heapAfterGcKiB, heapBeforeKiB, requests, found, queued, redisWrites, redisReads }] }.
import { readFileSync, writeFileSync } from 'node:fs';
import { describeCounts, diffCounts, parseRequestCounts, total } from './apiserver-requests.ts';
import { sha256Hex } from '../../src/adapters/hash.ts';
import { createClusterReader } from '../../src/adapters/kubernetes/cluster-reader.ts';
import { loadKubeConfig } from '../../src/adapters/kubernetes/kube-config.ts';
import { createKubeJson } from '../../src/adapters/kubernetes/kube-json.ts';
import { RedisAuditLog } from '../../src/adapters/redis/audit-log.ts';
import { connectRedis } from '../../src/adapters/redis/connection.ts';
import { createIncidentStore } from '../../src/adapters/redis/incident-store.ts';
import { loadPolicies } from '../../src/config/policy-files.ts';
import type { AnalyzeJob } from '../../src/core/jobs.ts';
import { silentLogger } from '../../src/logging.ts';
import { systemClock, type JobQueue } from '../../src/ports.ts';
import { runAnalysis } from '../../src/usecases/run-analysis.ts';
import { runScanJob } from '../../src/usecases/run-scan-job.ts';
import { deleteKeysUnder, SHARED_REDIS_URL, uniquePrefix } from '../../test/support/redis-keys.ts';

const [kubeconfigPath, namespace] = process.argv.slice(2);
if (!kubeconfigPath || !namespace) {
  console.error('usage: scan-worker.ts <kubeconfig> <namespace>');
  process.exit(2);
}

// Redis commands that only read; anything else on the scan's keys counts as a write.
const READS = new Set(['get', 'mget', 'hget', 'hmget', 'hgetall', 'exists', 'zrange', 'zrevrange', 'zrangebyscore', 'zrevrangebyscore', 'zscore', 'zcard', 'smembers', 'sismember', 'scard', 'ttl', 'pttl', 'type', 'lrange', 'llen', 'xrange', 'xrevrange', 'xlen', 'scan', 'ping']);

const kc = loadKubeConfig(kubeconfigPath);
const cluster = createClusterReader(kc);
// The API server's own request counter, read with the same admin credentials (not counted: non-resource).
const scrape = createKubeJson(kc, { timeoutMs: 20_000 });
const requestCounts = async () => parseRequestCounts(await scrape.getText('/metrics', {}, { accept: 'text/plain' }));
const rssKiB = () => Math.round(process.memoryUsage.rss() / 1024);
/** Peak RSS since the last reset: VmHWM, reset by writing 5 to /proc/self/clear_refs (Linux). */
const resetPeak = (): boolean => {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
};
const peakKiB = (): number => Number(/^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? process.resourceUsage().maxRSS);
const heapAfterGcKiB = (): number => {
  (globalThis as { gc?: () => void }).gc?.();
  return Math.round(process.memoryUsage().heapUsed / 1024);
};

const redis = await connectRedis(SHARED_REDIS_URL, 'store');
const monitor = await redis.duplicate().monitor();
const prefix = uniquePrefix('bench-scan');
const redisCommands: string[] = [];
monitor.on('monitor', (_time: string, args: unknown[]) => {
  if (args.slice(1).some((a) => String(a).startsWith(prefix))) redisCommands.push(String(args[0]).toLowerCase());
});
const jobs: AnalyzeJob[] = [];
const queue: JobQueue = {
  enqueueScan: async () => ({ jobId: 'scan' }),
  enqueueAnalyze: async (job) => {
    jobs.push(job);
    return { jobId: `analyze-${jobs.length}` };
  },
  enqueueThread: async () => ({ jobId: 'thread' }),
};
try {
  const store = createIncidentStore({ redis, prefix, logger: silentLogger });
  const audit = new RedisAuditLog(redis, prefix, systemClock);
  const deps = { cluster, queue, notifier: undefined, clock: systemClock, logger: silentLogger, hash: sha256Hex, quietMinutes: 30, store, audit };
  const policies = await loadPolicies(new URL('../../policies/', import.meta.url).pathname);
  const analysis = {
    cluster, llm: undefined, policies, logger: silentLogger, clock: systemClock, hash: sha256Hex, store, audit, notifier: undefined,
    logLimits: { tailLines: 200, limitBytes: 262_144 },
  };
  const scans = [];
  for (const phase of ['first', 'unchanged'] as const) {
    const heapBeforeKiB = heapAfterGcKiB();
    const rssBeforeKiB = rssKiB();
    const before = await requestCounts();
    await new Promise((r) => setTimeout(r, 100));
    redisCommands.length = 0;
    jobs.length = 0;
    const reset = resetPeak();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const summary = await runScanJob(deps, { namespace, trigger: 'schedule' });
    const wallMs = performance.now() - t0;
    const { user, system } = process.cpuUsage(cpu0);
    const maxRssKiB = reset ? peakKiB() : process.resourceUsage().maxRSS;
    const heapKiB = heapAfterGcKiB();
    await new Promise((r) => setTimeout(r, 300));
    const commands = [...redisCommands];
    // The API server's own informers re-watching in the background; a scan never watches.
    const requests = new Map([...diffCounts(before, await requestCounts())].filter(([k]) => !k.startsWith('WATCH ')));
    scans.push({
      phase, rssBeforeKiB, wallMs, cpuMs: (user + system) / 1000, maxRssKiB, heapBeforeKiB, heapAfterGcKiB: heapKiB,
      requests: total(requests), requestsBy: describeCounts(requests),
      found: (summary?.queuedNew.length ?? 0) + (summary?.known.length ?? 0) + (summary?.recurred.length ?? 0),
      queued: jobs.length,
      redisWrites: commands.filter((c) => !READS.has(c)).length,
      redisReads: commands.filter((c) => READS.has(c)).length,
    });
    // Not measured: the analyses the first scan queued, so that the second scan finds them known.
    for (const job of jobs) await runAnalysis(analysis, job);
  }
  console.log(JSON.stringify({ scans }));
} finally {
  monitor.disconnect();
  await deleteKeysUnder(redis, prefix);
  redis.disconnect();
}
