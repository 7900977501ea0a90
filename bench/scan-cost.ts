// Scan cost against a real kube-apiserver, beside a floor measured in the same run: a namespace
// grown to 500, 2,000 and 5,000 realistic Deployment pods (~3% of them OOM incidents), then, in
// turn (floor, agent, CLI, floor, agent, CLI...), each in a fresh process:
//   floor — page through the pods (limit=500) and JSON.parse each page, nothing else;
//   agent — the scan job as the agent runs it (runScanJob: the agent's ClusterReader, real Redis
//           store and audit), first with every incident new, then again with the namespace
//           unchanged (the scheduled scan's steady state);
//   CLI   — `kube-ai-sre scan <namespace> --no-llm --json`, the whole process;
// and the CLI's start-up alone on a one-pod dump. Wall time, CPU time, peak RSS, API requests
// (the API server's apiserver_request_total) and Redis writes, with ratios to the floor.
// Run: node bench/scan-cost.ts
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describeCounts, diffCounts, parseRequestCounts, total } from './support/apiserver-requests.ts';
import { startBenchCluster, type BenchCluster } from './support/bench-cluster.ts';
import { median, note, printHeader, printTable, type Cell } from './support/report.ts';
import { createWorkload, createWorkloadPod, pool, reportStatus, type Workload } from './support/workloads.ts';
import { connectRedis } from '../src/adapters/redis/connection.ts';
import { botEnvironment } from '../test/support/agent-harness.ts';
import { startFakeOllama } from '../test/support/fake-ollama.ts';
import { startFakeSlack } from '../test/support/fake-slack/index.ts';
import { deleteKeysUnder, SHARED_REDIS_URL, uniquePrefix } from '../test/support/redis-keys.ts';
import { freePort } from '../test/support/test-cluster/free-port.ts';
import { waitUntil } from '../test/support/test-cluster/wait-until.ts';

const SIZES = (process.env.SCAN_COST_SIZES ?? '500,2000,5000').split(',').map(Number);
const PODS_PER_WORKLOAD = 10;
const RUNS = Number(process.env.SCAN_COST_RUNS ?? 3);
const CONCURRENCY = 16;
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const support = (name: string) => fileURLToPath(new URL(`./support/${name}`, import.meta.url));
const CLI = fileURLToPath(new URL('../bin/kube-ai-sre.js', import.meta.url));
const DUMP = fileURLToPath(new URL('../examples/demo-oom.json', import.meta.url));
const run = promisify(execFile);

interface Usage { wallMs: number; cpuMs: number; maxRssKiB: number }
interface FloorResult extends Usage { loopMs: number; loopCpuMs: number; pods: number; bytes: number }
interface Scan { phase: 'first' | 'unchanged'; rssBeforeKiB: number; wallMs: number; cpuMs: number; maxRssKiB: number; heapBeforeKiB: number; heapAfterGcKiB: number; requests: number; requestsBy: string; found: number; queued: number; redisWrites: number; redisReads: number }
interface CliResult extends Usage { requests: number; requestsBy: string; exitCode: number }

const isOom = (i: number) => i % 33 === 16;

/** Runs `node args` in a fresh process; wall time measured here, CPU and peak RSS by the usage probe inside it. */
async function measured(args: string[], env: Record<string, string>): Promise<Usage & { stdout: string; exitCode: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'scan-cost-'));
  const file = join(dir, 'usage.jsonl');
  try {
    const t0 = performance.now();
    const { stdout, exitCode } = await run(process.execPath, ['--import', support('usage-probe.mjs'), ...args], {
      cwd: ROOT, maxBuffer: 64 * 2 ** 20, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env, USAGE_PROBE_FILE: file },
    }).then((r) => ({ stdout: r.stdout, exitCode: 0 }), (e: { stdout?: string; code?: number }) => {
      if (typeof e.code !== 'number') throw e;
      return { stdout: e.stdout ?? '', exitCode: e.code };
    });
    const wallMs = performance.now() - t0;
    const usage = JSON.parse(readFileSync(file, 'utf8').trim().split('\n').at(-1)!) as { cpuMs: number; maxRssKiB: number };
    return { wallMs, cpuMs: usage.cpuMs, maxRssKiB: usage.maxRssKiB, stdout, exitCode };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function floor(bench: BenchCluster, ns: string): Promise<FloorResult> {
  const i = bench.info;
  const r = await measured([support('floor-worker.mjs'), i.server, i.caFile, i.adminCertFile, i.adminKeyFile, ns], {});
  const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { loopMs: number; cpuMs: number; pods: number; bytes: number };
  return { ...r, loopMs: out.loopMs, loopCpuMs: out.cpuMs, pods: out.pods, bytes: out.bytes };
}

async function agent(bench: BenchCluster, ns: string): Promise<Scan[]> {
  const { stdout } = await run(process.execPath, ['--expose-gc', support('scan-worker.ts'), bench.info.kubeconfigPath, ns], { cwd: ROOT, maxBuffer: 16 * 2 ** 20 });
  return (JSON.parse(stdout.trim().split('\n').at(-1)!) as { scans: Scan[] }).scans;
}

async function cli(bench: BenchCluster, args: string[]): Promise<CliResult> {
  const before = parseRequestCounts(await bench.scrapeMetrics());
  const r = await measured([CLI, ...args], { KUBECONFIG: bench.info.kubeconfigPath });
  const requests = new Map([...diffCounts(before, parseRequestCounts(await bench.scrapeMetrics()))].filter(([k]) => !k.startsWith('WATCH ')));
  return { wallMs: r.wallMs, cpuMs: r.cpuMs, maxRssKiB: r.maxRssKiB, exitCode: r.exitCode, requests: total(requests), requestsBy: describeCounts(requests) };
}

const med = <T>(xs: T[], f: (x: T) => number) => median(xs.map(f));

const statusKiB = (pid: number, field: string): number =>
  Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);

/**
 * The whole bot (`node src/main.ts`, watch on, fake Slack and LLM) started on the namespace: RSS
 * once started, and the process's peak (VmHWM) through its start — the watch's first list, the
 * first scheduled scan — and the analyses and posts of every incident found, with RSS after them.
 */
async function agentProcess(bench: BenchCluster, ns: string): Promise<Cell[]> {
  const slack = await startFakeSlack();
  const ollama = await startFakeOllama();
  const prefix = uniquePrefix('bench-scan-agent');
  const healthPort = await freePort();
  let output = '';
  const child = spawn(process.execPath, ['src/main.ts'], {
    cwd: ROOT,
    env: await botEnvironment({ slack, ollama, kubeconfigPath: bench.info.kubeconfigPath, namespace: ns, prefix, healthPort, extra: { LOG_LEVEL: 'warn', LLM_CONCURRENCY: '4' } }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (d: Buffer) => { output += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { output += d.toString(); });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const pid = child.pid!;
  /** Sum of a metric's series whose labels contain every `with` fragment. */
  const metric = async (name: string, ...with_: string[]): Promise<number> => {
    const text = await (await fetch(`http://127.0.0.1:${healthPort}/metrics`)).text();
    return [...text.matchAll(new RegExp(`^kube_ai_sre_${name}(\\{[^}]*\\})? (\\S+)$`, 'gm'))]
      .filter((m) => with_.every((w) => (m[1] ?? '').includes(w)))
      .reduce((a, m) => a + Number(m[2]), 0);
  };
  const analysesLeft = async () => (await Promise.all(['waiting', 'active', 'delayed', 'prioritized'].map((state) => metric('queue_depth', 'queue="analyze"', `state="${state}"`)))).reduce((a, b) => a + b, 0);
  try {
    const t0 = performance.now();
    await waitUntil('the bot answers /metrics', async () => {
      if (child.exitCode !== null) throw new Error(`the bot exited:\n${output}`);
      return (await fetch(`http://127.0.0.1:${healthPort}/healthz`).then((r) => r.ok, () => false)) ? true : 'not yet';
    }, { timeoutMs: 120_000, intervalMs: 100 });
    const startedRss = statusKiB(pid, 'VmRSS') / 1024;
    await waitUntil('the first scan', async () => ((await metric('scans_total')) >= 1 ? true : 'not yet'), { timeoutMs: 300_000, intervalMs: 200 });
    const scannedMs = performance.now() - t0;
    const posts = () => slack.callsTo('chat.postMessage').length;
    await waitUntil('every incident posted', async () => (posts() >= 1 && (await analysesLeft()) === 0 ? true : 'not yet'), { timeoutMs: 900_000, intervalMs: 500 });
    await new Promise((r) => setTimeout(r, 5000));
    return [Math.round(scannedMs), startedRss, statusKiB(pid, 'VmHWM') / 1024, statusKiB(pid, 'VmRSS') / 1024, posts()];
  } finally {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
    const redis = await connectRedis(SHARED_REDIS_URL, 'store');
    await deleteKeysUnder(redis, prefix);
    redis.disconnect();
    await slack.close();
    await ollama.close();
  }
}
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;

async function main(): Promise<void> {
  printHeader('scan-cost', 'node bench/scan-cost.ts');
  const bench = await startBenchCluster();
  try {
    const { name: nodeName } = await bench.node();
    const ns = await bench.createNamespace('scan');
    const workloads: Workload[] = [];
    let pods = 0;
    let ooms = 0;
    const rows: Cell[][] = [];
    const setup: Cell[][] = [];

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

      const floors: FloorResult[] = [];
      const agents: Scan[][] = [];
      const clis: CliResult[] = [];
      for (let r = 0; r < RUNS; r++) {
        floors.push(await floor(bench, ns));
        agents.push(await agent(bench, ns));
        clis.push(await cli(bench, ['scan', ns, '--no-llm', '--json']));
      }
      const fLoop = med(floors, (x) => x.loopMs);
      const fLoopCpu = med(floors, (x) => x.loopCpuMs);
      const fWall = med(floors, (x) => x.wallMs);
      const fCpu = med(floors, (x) => x.cpuMs);
      rows.push([size, 'floor: page + JSON.parse (in process)', fLoop, '1.00×', fLoopCpu, '1.00×', fLoopCpu / size * 1000, '', '', '', Math.ceil(size / 500), `LIST pods ×${Math.ceil(size / 500)}`, '']);
      rows.push([size, 'floor: the same, whole process', fWall, '1.00×', fCpu, '1.00×', fCpu / size * 1000, '', med(floors, (x) => x.maxRssKiB) / 1024, '', Math.ceil(size / 500), '', '']);
      for (const phase of ['first', 'unchanged'] as const) {
        const scans = agents.map((a) => a.find((s) => s.phase === phase)!);
        const wall = med(scans, (s) => s.wallMs);
        const cpu = med(scans, (s) => s.cpuMs);
        const base = med(scans, (s) => s.rssBeforeKiB) / 1024;
        const peak = Math.max(...scans.map((s) => s.maxRssKiB)) / 1024;
        const last = scans.at(-1)!;
        rows.push([
          size, phase === 'first' ? `agent scan job, ${last.found} incidents new` : `agent scan job, unchanged (${last.found} known)`,
          wall, ratio(wall, fLoop), cpu, ratio(cpu, fLoopCpu), cpu / size * 1000, base, peak, peak - base, last.requests, last.requestsBy, `${last.redisWrites} (${last.redisReads} reads)`,
        ]);
      }
      const cWall = med(clis, (c) => c.wallMs);
      const cCpu = med(clis, (c) => c.cpuMs);
      const lastCli = clis.at(-1)!;
      rows.push([size, `CLI scan --no-llm --json (exit ${lastCli.exitCode})`, cWall, ratio(cWall, fWall), cCpu, ratio(cCpu, fCpu), cCpu / size * 1000, '', Math.max(...clis.map((c) => c.maxRssKiB)) / 1024, '', lastCli.requests, lastCli.requestsBy, '']);
    }

    const agentRow = [pods, ...await agentProcess(bench, ns)];

    const starts: Usage[] = [];
    const bare: Usage[] = [];
    for (let r = 0; r < RUNS + 2; r++) {
      bare.push(await measured(['-e', '0'], {}));
      starts.push(await cli(bench, ['scan', '--from-file', DUMP, '--no-llm', '--json']));
    }

    note(`Namespace grown to each size in place (Deployments of ${PODS_PER_WORKLOAD} pods, two containers each; pod i is an OOM incident when i % 33 = 16, half OOMKilled, half CrashLoopBackOff after OOM). Each size: ${RUNS} rounds of floor, agent, CLI in turn (each a fresh process), medians; "× floor" compares in-process figures with the floor's loop and whole-process figures with the floor's whole process. CPU = user + system (process.cpuUsage in process; getrusage of the process for whole-process rows, through bench/support/usage-probe.mjs). Peak RSS: for the agent, VmHWM during that scan alone (reset through /proc/self/clear_refs before it), baseline = RSS before it, after imports, connections and (unchanged) the first scan; for whole processes, VmHWM at exit (max of the runs). API requests: of the last run, from the API server's apiserver_request_total (its own housekeeping excluded: leases, endpoints, watches of its informers, non-resource requests). Redis: commands on the scan's own keys during that scan (MONITOR), writes = anything but reads; the scan job's queue is a counting stand-in (the agent's BullMQ bookkeeping is not in these figures).`);
    printTable(
      ['pods', 'what', 'wall ms', '× floor', 'CPU ms', '× floor', 'CPU µs / pod', 'baseline RSS MiB', 'peak RSS MiB', 'peak − baseline MiB', 'API requests', 'requests by verb and resource', 'Redis writes'],
      rows,
    );
    note(`The whole bot on the largest namespace: \`node src/main.ts\` (documented environment, HTTP mode, pod watch on, LLM_CONCURRENCY=4, fake Slack and fake LLM), from /proc/<pid>/status. Its start lists the namespace twice at once (the watch's first list and the first scheduled scan), then every incident found is analyzed and posted.`);
    printTable(['pods', 'first scan done, ms after spawn', 'RSS once started MiB', 'peak RSS (VmHWM) through start, scan and posts MiB', 'RSS after the posts MiB', 'Slack posts'], [agentRow]);
    const lastStart = starts.at(-1) as CliResult;
    note(`Start-up: the whole CLI process on a one-pod dump (examples/demo-oom.json, \`scan --from-file … --no-llm --json\`, exit ${lastStart.exitCode}) beside a bare \`node -e 0\`; medians of ${RUNS + 2} runs.`);
    printTable(['process', 'wall ms', 'CPU ms', 'peak RSS MiB'], [
      ['node -e 0', med(bare, (x) => x.wallMs), med(bare, (x) => x.cpuMs), med(bare, (x) => x.maxRssKiB) / 1024],
      ['kube-ai-sre scan --from-file one-pod dump --no-llm --json', med(starts, (x) => x.wallMs), med(starts, (x) => x.cpuMs), med(starts, (x) => x.maxRssKiB) / 1024],
    ]);
    note('Setup (not part of the figures): pods created, bound to the fake node and status-patched with 16 requests in flight.');
    printTable(['pods', 'OOM pods', 'workloads', 'setup s (this step)'], setup);
  } finally {
    await bench.stop();
  }
}

await main();
