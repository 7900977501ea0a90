// Scan cost against a real kube-apiserver: a namespace grown to 500, 2,000 and 5,000 realistic
// Deployment pods (~3% of them OOM incidents), then detectNamespace and the whole scan job
// (runScanJob, real Redis store and audit, counting queue, no Slack) measured in fresh processes:
// wall time, API requests (the API server's apiserver_request_total) and peak RSS.
// Run: node bench/scan-cost.ts
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describeCounts, diffCounts, parseRequestCounts, total } from './support/apiserver-requests.ts';
import { startBenchCluster } from './support/bench-cluster.ts';
import { median, note, printHeader, printTable } from './support/report.ts';
import { createWorkload, createWorkloadPod, pool, reportStatus, type Workload } from './support/workloads.ts';

const SIZES = [500, 2_000, 5_000];
const PODS_PER_WORKLOAD = 10;
const RUNS = 3;
const CONCURRENCY = 16;
const WORKER = fileURLToPath(new URL('./support/scan-worker.ts', import.meta.url));
const run = promisify(execFile);

interface WorkerResult { wallMs: number; rssBeforeKiB: number; maxRssKiB: number; heapBeforeKiB: number; heapAfterGcKiB: number; podsChecked: number; found: number; enqueued: number }

const isOom = (i: number) => i % 33 === 16;

async function main(): Promise<void> {
  printHeader('scan-cost', 'node bench/scan-cost.ts');
  const bench = await startBenchCluster();
  try {
    const { name: nodeName } = await bench.node();
    const ns = await bench.createNamespace('scan');
    const workloads: Workload[] = [];
    let pods = 0;
    let ooms = 0;
    const rows: Array<Array<string | number>> = [];
    const setup: Array<Array<string | number>> = [];

    for (const size of SIZES) {
      const t0 = performance.now();
      const wanted = Math.ceil(size / PODS_PER_WORKLOAD);
      const first = workloads.length;
      await pool(wanted - first, CONCURRENCY, async (k) => {
        workloads[first + k] = await createWorkload(bench.apps, ns, `svc-${String(first + k).padStart(4, '0')}`);
      });
      const from = pods;
      await pool(size - from, CONCURRENCY, async (k) => {
        const i = from + k;
        const pod = await createWorkloadPod(bench.core, ns, workloads[Math.floor(i / PODS_PER_WORKLOAD)]!, nodeName);
        const scenario = !isOom(i)
          ? { kind: 'running' as const }
          : i % 2 === 0 ? { kind: 'oom-killed' as const, restartCount: 2 } : { kind: 'crash-loop-after-oom' as const, restartCount: 6 };
        await reportStatus(bench.core, pod, scenario);
        if (isOom(i)) ooms++;
      });
      pods = size;
      setup.push([size, ooms, workloads.length, Math.round((performance.now() - t0) / 1000)]);

      for (const mode of ['detect', 'scan-job'] as const) {
        const results: Array<WorkerResult & { requests: Map<string, number> }> = [];
        for (let r = 0; r < RUNS; r++) {
          const before = parseRequestCounts(await bench.scrapeMetrics());
          const { stdout } = await run(process.execPath, ['--expose-gc', WORKER, mode, bench.info.kubeconfigPath, ns], { maxBuffer: 16 * 2 ** 20 });
          const after = parseRequestCounts(await bench.scrapeMetrics());
          const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as WorkerResult;
          results.push({ ...result, requests: diffCounts(before, after) });
        }
        const wall = median(results.map((x) => x.wallMs));
        const base = median(results.map((x) => x.rssBeforeKiB)) / 1024;
        const peak = Math.max(...results.map((x) => x.maxRssKiB)) / 1024;
        const retained = median(results.map((x) => x.heapAfterGcKiB - x.heapBeforeKiB)) / 1024;
        const last = results.at(-1)!;
        rows.push([
          size, mode, last.found, wall, wall / size * 1000, total(last.requests), describeCounts(last.requests),
          base, peak, peak - base, (peak - base) * 1024 / size, retained, retained * 1024 / size,
        ]);
      }
    }

    note(`Namespace grown to each size in place (Deployments of ${PODS_PER_WORKLOAD} pods, two containers each; pod i is an OOM incident when i % 33 = 16, half OOMKilled, half CrashLoopBackOff after OOM). Each figure: a fresh process, median wall time of ${RUNS} runs, API requests of the last run from the API server's apiserver_request_total (the API server's own housekeeping excluded: leases, the kubernetes Service endpoints, non-resource requests), peak RSS = process.resourceUsage().maxRSS (max of the runs), baseline = RSS after imports and connections; retained heap = heap used after a full GC while the result is held, minus the same before the scan (--expose-gc).`);
    printTable(
      ['pods', 'path', 'incidents found', 'wall ms', 'µs / pod', 'API requests', 'requests by verb and resource', 'baseline RSS MiB', 'peak RSS MiB', 'peak − baseline MiB', 'peak KiB / pod', 'retained heap MiB', 'retained KiB / pod'],
      rows,
    );
    note('Setup (not part of the figures): pods created, bound to the fake node and status-patched with 16 requests in flight.');
    printTable(['pods', 'OOM pods', 'workloads', 'setup s (this step)'], setup);
  } finally {
    await bench.stop();
  }
}

await main();
