// One agent over a whole cluster: NAMESPACES × PODS_PER_NAMESPACE Deployment pods (default 200 ×
// 100 = 20,000) on the test API server, and the bot as users run it (`node src/main.ts`, the
// documented environment with SCAN_NAMESPACES empty: one cluster-wide pod watch and event watch,
// the namespace scans spread over SCAN_INTERVAL_SECONDS), while pod statuses churn at RATE changes
// a second for SECONDS. Most changes are benign (a readiness flip, a restart without an OOM); every
// OOM_EVERY-th is an OOM kill on a Deployment not hit before. Reported: the agent's CPU % and RSS
// over time (/proc/<pid>, read from outside), the API server's requests per minute
// (apiserver_request_total), Redis commands on the agent's keys (MONITOR) and Slack calls per
// minute, and detection latency from each OOM's status PATCH to its incident's chat.postMessage at
// the fake Slack (the fake LLM answers at once).
// Run: node bench/cluster-scale.ts
//   CLUSTER_SCALE_NAMESPACES (200), CLUSTER_SCALE_PODS_PER_NAMESPACE (100), CLUSTER_SCALE_SECONDS (180),
//   CLUSTER_SCALE_RATE (20 changes a second), CLUSTER_SCALE_OOM_EVERY (20: 1 change in 20 is an OOM kill)
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { V1Pod } from '@kubernetes/client-node';
import { connectRedis } from '../src/adapters/redis/connection.ts';
import { blocksText, botEnvironment } from '../test/support/agent-harness.ts';
import { startFakeOllama } from '../test/support/fake-ollama.ts';
import { startFakeSlack, type ApiCall } from '../test/support/fake-slack/index.ts';
import { deleteKeysUnder, SHARED_REDIS_URL, uniquePrefix } from '../test/support/redis-keys.ts';
import { freePort } from '../test/support/test-cluster/free-port.ts';
import { waitUntil } from '../test/support/test-cluster/wait-until.ts';
import { describeCounts, diffCounts, parseRequestCounts, total, type RequestCounts } from './support/apiserver-requests.ts';
import { startBenchCluster, type BenchCluster } from './support/bench-cluster.ts';
import { cpuMsOf, memoryMiBOf } from './support/proc-stats.ts';
import { note, percentile, printHeader, printTable, type Cell } from './support/report.ts';
import { createWorkload, createWorkloadPod, JAVA_OOM_LOG, pool, reportStatus, type Workload } from './support/workloads.ts';

const NAMESPACES = Number(process.env.CLUSTER_SCALE_NAMESPACES ?? 200);
const PODS_PER_NAMESPACE = Number(process.env.CLUSTER_SCALE_PODS_PER_NAMESPACE ?? 100);
const SECONDS = Number(process.env.CLUSTER_SCALE_SECONDS ?? 180);
const RATE = Number(process.env.CLUSTER_SCALE_RATE ?? 20);
const OOM_EVERY = Number(process.env.CLUSTER_SCALE_OOM_EVERY ?? 20);
const PODS_PER_WORKLOAD = 10;
const SETUP_CONCURRENCY = 32;
/** Changes in flight at most; beyond it a change is skipped (and counted), not queued. */
const MAX_IN_FLIGHT = 64;
const SAMPLE_EVERY_S = 15;
const DRAIN_TIMEOUT_MS = 180_000;
const ROOT = fileURLToPath(new URL('..', import.meta.url));

interface PodState { pod: V1Pod; namespace: string; restarts: number; ready: boolean }
interface Sample { at: number; phase: string; cpuMs: number; rss: number }
interface Injected { pod: string; patchedAt: number; warmUp: boolean }

/** Pod i lives in namespace ⌊i / PODS_PER_NAMESPACE⌋, workload ⌊(i mod PODS_PER_NAMESPACE) / 10⌋. */
async function createPods(bench: BenchCluster, nodeName: string): Promise<{ pods: PodState[]; workloadsPerNamespace: number; seconds: number }> {
  const t0 = performance.now();
  const namespaces: string[] = [];
  await pool(NAMESPACES, SETUP_CONCURRENCY, async (n) => { namespaces[n] = await bench.createNamespace(`scale-${String(n).padStart(3, '0')}`); });
  const perNamespace = Math.ceil(PODS_PER_NAMESPACE / PODS_PER_WORKLOAD);
  const workloads: Workload[] = [];
  await pool(NAMESPACES * perNamespace, SETUP_CONCURRENCY, async (k) => {
    workloads[k] = await createWorkload(bench.apps, namespaces[Math.floor(k / perNamespace)]!, `svc-${String(k % perNamespace).padStart(2, '0')}`);
  });
  const pods: PodState[] = [];
  await pool(NAMESPACES * PODS_PER_NAMESPACE, SETUP_CONCURRENCY, async (i) => {
    const n = Math.floor(i / PODS_PER_NAMESPACE);
    const namespace = namespaces[n]!;
    const pod = await createWorkloadPod(bench.core, namespace, workloads[n * perNamespace + Math.floor((i % PODS_PER_NAMESPACE) / PODS_PER_WORKLOAD)]!, nodeName);
    await reportStatus(bench.core, pod, { kind: 'running' });
    pods[i] = { pod, namespace, restarts: 0, ready: true };
    if (i % 2000 === 1999) console.error(`… ${i + 1} pods created, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  });
  return { pods, workloadsPerNamespace: perNamespace, seconds: (performance.now() - t0) / 1000 };
}

/** Sum of the bot's metric series whose labels contain every fragment. */
async function metric(healthPort: number, name: string, ...fragments: string[]): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${healthPort}/metrics`)).text();
  return [...text.matchAll(new RegExp(`^kube_ai_sre_${name}(\\{[^}]*\\})? (\\S+)$`, 'gm'))]
    .filter((m) => fragments.every((f) => (m[1] ?? '').includes(f)))
    .reduce((a, m) => a + Number(m[2]), 0);
}

const perMinute = (n: number, ms: number) => (n / ms) * 60_000;

function countsPerMinute(counts: RequestCounts, ms: number, who: (key: string) => string): Cell[][] {
  return [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([key, n]) => [key, who(key), n, perMinute(n, ms)]);
}

async function main(): Promise<void> {
  const oomKills = Math.floor((SECONDS * RATE) / OOM_EVERY) + 1;
  const deployments = NAMESPACES * Math.ceil(PODS_PER_NAMESPACE / PODS_PER_WORKLOAD);
  // Each OOM kill hits a Deployment not hit before: a second one would be the same incident again.
  if (oomKills > deployments) throw new Error(`${oomKills} OOM kills need as many Deployments; there are ${deployments}: fewer seconds, a lower rate or a larger CLUSTER_SCALE_OOM_EVERY`);
  printHeader('cluster-scale', 'node bench/cluster-scale.ts');
  const load0 = loadavg();
  const bench = await startBenchCluster();
  const slack = await startFakeSlack();
  const ollama = await startFakeOllama();
  const prefix = uniquePrefix('bench-scale');
  const redis = await connectRedis(SHARED_REDIS_URL, 'store');
  let child: ReturnType<typeof spawn> | undefined;
  let monitor: Awaited<ReturnType<typeof redis.monitor>> | undefined;
  try {
    const { name: nodeName } = await bench.node();
    const setupBefore = parseRequestCounts(await bench.scrapeMetrics());
    const { pods, workloadsPerNamespace, seconds: setupS } = await createPods(bench, nodeName);
    const setupRequests = total(diffCounts(setupBefore, parseRequestCounts(await bench.scrapeMetrics())));

    // Redis commands on the agent's keys, counted in the churn window only.
    monitor = await redis.duplicate().monitor();
    let countingRedis = false;
    const redisCommands = new Map<string, number>();
    monitor.on('monitor', (_time: string, args: unknown[]) => {
      if (!countingRedis) return;
      const keys = args.slice(1).map(String).filter((a) => a.startsWith(prefix));
      if (keys.length === 0) return;
      const key = `${keys.every((k) => k.startsWith(`${prefix}bull`)) ? 'queue' : 'store'} ${String(args[0]).toLowerCase()}`;
      redisCommands.set(key, (redisCommands.get(key) ?? 0) + 1);
    });

    const healthPort = await freePort();
    let output = '';
    const spawnedAt = Date.now();
    const agent = spawn(process.execPath, ['src/main.ts'], {
      cwd: ROOT,
      env: await botEnvironment({ slack, ollama, kubeconfigPath: bench.info.kubeconfigPath, namespace: '', prefix, healthPort }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = agent;
    const keepTail = (d: Buffer) => { output = (output + d.toString()).slice(-20_000); };
    agent.stdout.on('data', keepTail);
    agent.stderr.on('data', keepTail);
    const pid = agent.pid!;
    const [etcdPid, apiServerPid] = bench.cluster.pids();

    // Every second: the agent's CPU time and RSS; the table shows every SAMPLE_EVERY_S.
    let phase = 'start';
    const samples: Sample[] = [];
    const sample = () => samples.push({ at: (Date.now() - spawnedAt) / 1000, phase, cpuMs: cpuMsOf(pid), rss: memoryMiBOf(pid, 'VmRSS') });
    sample();
    const sampler = setInterval(() => { if (agent.exitCode === null) sample(); }, 1000);

    // OOM kills: each on the first pod of a Deployment not hit before, consecutive ones in different namespaces.
    const injected: Injected[] = [];
    const oomPods = new Set<number>();
    const nextOomTarget = (j: number) => {
      const n = j % NAMESPACES;
      const w = Math.floor(j / NAMESPACES) % workloadsPerNamespace;
      return n * PODS_PER_NAMESPACE + w * PODS_PER_WORKLOAD;
    };
    const injectOom = async (warmUp: boolean) => {
      const i = nextOomTarget(injected.length);
      oomPods.add(i);
      const s = pods[i]!;
      const name = s.pod.metadata!.name!;
      await bench.setLogs(s.namespace, name, 'app', { previous: JAVA_OOM_LOG, current: '' });
      const entry: Injected = { pod: name, patchedAt: Date.now(), warmUp };
      injected.push(entry);
      const scenario = injected.length % 2 === 0 ? { kind: 'oom-killed' as const, restartCount: 1 } : { kind: 'crash-loop-after-oom' as const, restartCount: 4 };
      await reportStatus(bench.core, s.pod, scenario);
    };
    // The incident post of each OOM'd pod: the first top-level chat.postMessage naming it.
    const postedAt = new Map<string, number>();
    let postsSeen = 0;
    const matchPosts = () => {
      const posts = slack.callsTo('chat.postMessage').filter((c) => !c.args.thread_ts);
      for (const c of posts.slice(postsSeen)) {
        const text = blocksText(c);
        for (const { pod } of injected) if (!postedAt.has(pod) && text.includes(pod)) postedAt.set(pod, c.at);
      }
      postsSeen = posts.length;
      return injected.filter((x) => !postedAt.has(x.pod)).length;
    };

    await waitUntil('the bot started', async () => {
      if (agent.exitCode !== null) throw new Error(`the bot exited:\n${output}`);
      return output.includes('"msg":"kube-ai-sre-agent started"') ? true : 'not yet';
    }, { timeoutMs: 300_000, intervalMs: 50 });
    const startedMs = Date.now() - spawnedAt;
    // The watch is live once an OOM reaches Slack; then every namespace gets its first scan.
    await injectOom(true);
    await waitUntil('the first OOM posted', async () => (matchPosts() === 0 ? true : 'not yet'), { timeoutMs: 600_000, intervalMs: 200 });
    const probePostedMs = Date.now() - spawnedAt;
    await waitUntil('every namespace scanned once', async () => ((await metric(healthPort, 'scans_total')) >= NAMESPACES ? true : 'not yet'), { timeoutMs: 900_000, intervalMs: 1000 });
    const warmedMs = Date.now() - spawnedAt;
    const warmCpuMs = cpuMsOf(pid);
    const warmPeak = memoryMiBOf(pid, 'VmHWM');
    const warmRss = memoryMiBOf(pid, 'VmRSS');
    const scansAtWarm = await metric(healthPort, 'scans_total');

    // Churn.
    phase = 'churn';
    const others = [etcdPid, apiServerPid].filter((p): p is number => p !== undefined);
    const othersCpu0 = others.map(cpuMsOf);
    const benchCpu0 = process.cpuUsage();
    const churnBefore = parseRequestCounts(await bench.scrapeMetrics());
    countingRedis = true;
    const churnStart = Date.now();
    const agentCpu0 = cpuMsOf(pid);
    const counts = { readyFlips: 0, restarts: 0, ooms: 0, skipped: 0, failed: 0 };
    let inFlight = 0;
    let issued = 0;
    const change = async (k: number) => {
      if ((k + 1) % OOM_EVERY === 0) {
        counts.ooms++;
        return injectOom(false);
      }
      let i = Math.floor(Math.random() * pods.length);
      while (oomPods.has(i)) i = (i + 1) % pods.length;
      const s = pods[i]!;
      if (k % 2 === 0) {
        s.ready = !s.ready;
        counts.readyFlips++;
      } else {
        s.restarts++;
        s.ready = true;
        counts.restarts++;
      }
      await reportStatus(bench.core, s.pod, { kind: 'running', restartCount: s.restarts, ready: s.ready });
    };
    const pending = new Set<Promise<void>>();
    while (Date.now() - churnStart < SECONDS * 1000) {
      const due = Math.floor(((Date.now() - churnStart) / 1000) * RATE);
      for (; issued < due; issued++) {
        if (inFlight >= MAX_IN_FLIGHT) {
          counts.skipped++;
          continue;
        }
        inFlight++;
        const p: Promise<void> = change(issued).then(() => undefined, () => { counts.failed++; }).finally(() => { inFlight--; pending.delete(p); });
        pending.add(p);
      }
      await new Promise((r) => setTimeout(r, 1000 / RATE / 2));
    }
    await Promise.all(pending);
    const churnMs = Date.now() - churnStart;
    const agentCpuChurn = cpuMsOf(pid) - agentCpu0;
    const othersCpu = others.map((p, k) => cpuMsOf(p) - othersCpu0[k]!);
    const benchCpu = process.cpuUsage(benchCpu0);
    const churnRequests = diffCounts(churnBefore, parseRequestCounts(await bench.scrapeMetrics()));
    countingRedis = false;
    const load1 = loadavg();
    const churnEnd = Date.now();

    // Drain: every OOM injected reaches Slack, or the drain times out.
    phase = 'drain';
    await waitUntil('every OOM posted', async () => (matchPosts() === 0 ? true : 'not yet'), { timeoutMs: DRAIN_TIMEOUT_MS, intervalMs: 500 }).catch(() => undefined);
    const drainedMs = Date.now() - churnEnd;
    sample();
    clearInterval(sampler);
    const scans = await metric(healthPort, 'scans_total');
    const scansReadAt = Date.now();
    const watchRestarts = await metric(healthPort, 'watch_restarts_total');
    const inChurn = (c: ApiCall) => c.at >= churnStart && c.at < churnEnd;
    const slackCalls = new Map<string, number>();
    for (const c of slack.calls.filter(inChurn)) {
      const key = c.method === 'chat.postMessage' ? (c.args.thread_ts ? 'chat.postMessage (thread reply)' : 'chat.postMessage (incident)') : c.method;
      slackCalls.set(key, (slackCalls.get(key) ?? 0) + 1);
    }

    // Report.
    const podsTotal = pods.length;
    note(`${NAMESPACES} namespaces × ${PODS_PER_NAMESPACE} pods = ${podsTotal} pods (Deployments of ${PODS_PER_WORKLOAD}, two containers each, all Running and Ready), created with ${SETUP_CONCURRENCY} requests in flight (create + status PATCH each) in ${setupS.toFixed(0)} s, ${setupRequests} API requests. The bot: \`node src/main.ts\` with the documented environment (HTTP mode, SCAN_NAMESPACES empty, defaults otherwise: SCAN_INTERVAL_SECONDS=60, pod and event watch on, LLM_CONCURRENCY=1, LOG_LEVEL=info), fake Slack, fake LLM answering at once. Load average (1/5/15 min) at the start: ${load0.map((x) => x.toFixed(1)).join(' / ')}; at the end of the churn: ${load1.map((x) => x.toFixed(1)).join(' / ')} (${process.env.CLUSTER_SCALE_NOTE ?? '2 cores'}).`);
    note('**Start**: from spawn until the first OOM (injected right after "started") reached Slack and every namespace had been scanned once (the scans spread over the interval).');
    printTable(['started, s after spawn', 'first OOM posted, s', 'every namespace scanned once, s', 'CPU s until then', 'peak RSS (VmHWM) MiB', 'RSS then MiB'], [[
      startedMs / 1000, probePostedMs / 1000, warmedMs / 1000, warmCpuMs / 1000, warmPeak, warmRss,
    ]]);

    const windowS = churnMs / 1000;
    const churnRss = samples.filter((s) => s.phase === 'churn').map((s) => s.rss);
    const fmtCpu = (ms: number) => `${((ms / churnMs) * 100).toFixed(1)} %`;
    note(`**Churn**: ${windowS.toFixed(0)} s at ${RATE} status changes a second asked (${counts.readyFlips} readiness flips, ${counts.restarts} restarts without OOM, ${counts.ooms} OOM kills; ${counts.skipped} skipped with ${MAX_IN_FLIGHT} in flight, ${counts.failed} failed): ${((counts.readyFlips + counts.restarts + counts.ooms) / windowS).toFixed(1)} a second achieved. CPU % = CPU time (user + system, all threads, /proc/<pid>/stat) over wall time, 100 % = one core.`);
    printTable(['process', 'CPU %', 'RSS min / max MiB'], [
      ['the bot (node src/main.ts)', fmtCpu(agentCpuChurn), `${Math.min(...churnRss).toFixed(0)} / ${Math.max(...churnRss).toFixed(0)}`],
      ['kube-apiserver', othersCpu[1] !== undefined ? fmtCpu(othersCpu[1]) : '—', ''],
      ['etcd', othersCpu[0] !== undefined ? fmtCpu(othersCpu[0]) : '—', ''],
      ['this bench (churn generator, fake Slack, fake LLM, MONITOR)', fmtCpu((benchCpu.user + benchCpu.system) / 1000), ''],
    ]);

    note(`The bot over time (every ${SAMPLE_EVERY_S} s from spawn; CPU % over the ${SAMPLE_EVERY_S} s before; the last row after the drain).`);
    const shown = samples.filter((s, k) => k === 0 || k === samples.length - 1 || Math.floor(s.at / SAMPLE_EVERY_S) !== Math.floor(samples[k - 1]!.at / SAMPLE_EVERY_S));
    printTable(['s after spawn', 'phase', 'RSS MiB', 'CPU %'], shown.map((s) => {
      const before = [...samples].reverse().find((x) => x.at <= s.at - SAMPLE_EVERY_S) ?? samples[0]!;
      return [Math.round(s.at), s.phase, s.rss, s.at > before.at ? `${(((s.cpuMs - before.cpuMs) / ((s.at - before.at) * 1000)) * 100).toFixed(0)} %` : '—'];
    }));

    // The bot watches pods and events only; the API server's own informers re-watch the rest, and
    // its ClusterIP repair loop lists services (neither goes through the bot).
    const generator = (key: string) => {
      if (key === 'PATCH pods/status') return 'churn generator';
      if ((key.startsWith('WATCH ') && key !== 'WATCH pods' && key !== 'WATCH events') || key === 'LIST services') return 'the API server itself';
      return 'the bot';
    };
    const agentRequests = total(new Map([...churnRequests].filter(([k]) => generator(k) === 'the bot')));
    note(`API server requests during the churn (apiserver_request_total, housekeeping excluded; WATCH requests are counted when they end, so a watch that stays open does not appear): ${total(churnRequests)} in all, the bot's ${agentRequests} = ${perMinute(agentRequests, churnMs).toFixed(0)} a minute (${describeCounts(new Map([...churnRequests].filter(([k]) => generator(k) === 'the bot')))}). Scans run: ${scansAtWarm} by the end of the start, ${scans} in all (${((scans - scansAtWarm) / (scansReadAt - spawnedAt - warmedMs) * 60_000).toFixed(0)} a minute since); watch restarts: ${watchRestarts}.`);
    printTable(['verb resource', 'from', 'requests', 'per minute'], countsPerMinute(churnRequests, churnMs, generator));

    const measured = injected.filter((x) => !x.warmUp);
    const latencies = measured.flatMap((x) => (postedAt.has(x.pod) ? [postedAt.get(x.pod)! - x.patchedAt] : []));
    note(`Detection latency: from the moment each OOM's status PATCH went out to its incident's chat.postMessage at the fake Slack (the fake's own receive time, same clock); half OOMKilled, half CrashLoopBackOff after OOM. Drain after the churn: ${(drainedMs / 1000).toFixed(1)} s.`);
    printTable(['OOM kills injected', 'posted', 'p50 ms', 'p95 ms', 'max ms'], [[
      measured.length, latencies.length, percentile(latencies, 50), percentile(latencies, 95), latencies.length > 0 ? Math.max(...latencies) : NaN,
    ]]);

    const redisRows = [...redisCommands.entries()].sort((a, b) => b[1] - a[1]);
    const redisTotal = redisRows.reduce((a, [, n]) => a + n, 0);
    note(`Slack Web API calls and Redis commands on the bot's keys during the churn (MONITOR, "queue" = under BullMQ's prefix): Slack ${[...slackCalls.values()].reduce((a, b) => a + b, 0)}, Redis ${redisTotal} = ${perMinute(redisTotal, churnMs).toFixed(0)} a minute.`);
    printTable(['Slack method', 'calls', 'per minute'], [...slackCalls.entries()].sort((a, b) => b[1] - a[1]).map(([k, n]) => [k, n, perMinute(n, churnMs)]));
    printTable(['Redis command (keys)', 'commands', 'per minute'], redisRows.slice(0, 12).map(([k, n]) => [k, n, perMinute(n, churnMs)]).concat(
      redisRows.length > 12 ? [[`${redisRows.length - 12} others`, redisRows.slice(12).reduce((a, [, n]) => a + n, 0), perMinute(redisRows.slice(12).reduce((a, [, n]) => a + n, 0), churnMs)]] : [],
    ));
  } finally {
    if (child && child.exitCode === null) {
      const exited = new Promise<void>((resolve) => child!.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await exited;
    }
    monitor?.disconnect();
    await deleteKeysUnder(redis, prefix);
    redis.disconnect();
    await slack.close();
    await ollama.close();
    await bench.stop();
  }
}

await main();
