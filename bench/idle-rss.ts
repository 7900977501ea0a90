// Idle RSS of the running bot: `node src/main.ts` (what `npm start` runs) as a child process with
// the documented environment, against the shared Redis, a private test cluster, the fake Slack
// and the fake Ollama. VmRSS from /proc/<pid>/status once it says it started, then every second
// while it idles: HTTP mode with the pod watch on (the default) for IDLE_RSS_LONG_S (600 s),
// Socket Mode with the watch on and HTTP mode with the watch off for IDLE_RSS_SHORT_S (60 s).
// The namespace holds one open incident, so the scheduled scans (every 60 s) scan an unchanged
// namespace with an incident in it: Redis commands on the bot's keys are counted (MONITOR).
// Run: node bench/idle-rss.ts
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { connectRedis } from '../src/adapters/redis/connection.ts';
import { botEnvironment } from '../test/support/agent-harness.ts';
import { startFakeOllama } from '../test/support/fake-ollama.ts';
import { startFakeSlack } from '../test/support/fake-slack/index.ts';
import { deleteKeysUnder, SHARED_REDIS_URL, uniquePrefix } from '../test/support/redis-keys.ts';
import { freePort } from '../test/support/test-cluster/free-port.ts';
import { waitUntil } from '../test/support/test-cluster/wait-until.ts';
import { startBenchCluster, type BenchCluster } from './support/bench-cluster.ts';
import { note, printHeader, printTable } from './support/report.ts';
import { createWorkload, createWorkloadPod, pool, reportStatus } from './support/workloads.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const LONG_S = Number(process.env.IDLE_RSS_LONG_S ?? 600);
const SHORT_S = Number(process.env.IDLE_RSS_SHORT_S ?? 60);
const PODS = 30;
/** Redis commands that only read; anything else counts as a write. */
const READS = new Set(['get', 'mget', 'hget', 'hmget', 'hgetall', 'exists', 'zrange', 'zrevrange', 'zrangebyscore', 'zrevrangebyscore', 'zscore', 'zcard', 'smembers', 'sismember', 'scard', 'ttl', 'pttl', 'type', 'lrange', 'llen', 'xrange', 'xrevrange', 'xlen', 'xread', 'xreadgroup', 'scan', 'ping', 'info', 'client', 'bzpopmin', 'brpoplpush', 'blmove', 'evalsha_ro', 'hexists', 'zrangebylex']);

interface IdleRun { label: string; socket: boolean; watch: boolean; seconds: number }

/** VmRSS, VmHWM, RssAnon, RssFile in MiB. */
function procStatus(pid: number): Record<'VmRSS' | 'VmHWM' | 'RssAnon' | 'RssFile', number> {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
  return { VmRSS: kib('VmRSS') / 1024, VmHWM: kib('VmHWM') / 1024, RssAnon: kib('RssAnon') / 1024, RssFile: kib('RssFile') / 1024 };
}

async function idleRun(bench: BenchCluster, namespace: string, run: IdleRun): Promise<{ rows: Array<Array<string | number>>; redis: Array<Array<string | number>> }> {
  const slack = await startFakeSlack();
  const ollama = await startFakeOllama();
  const prefix = uniquePrefix('bench-idle');
  const healthPort = await freePort();
  const redis = await connectRedis(SHARED_REDIS_URL, 'store');
  const monitor = await redis.duplicate().monitor();
  let counting = false;
  // Whose keys a command touches: BullMQ's (queue bookkeeping), the cluster heartbeat's (the agent
  // saying it is alive, every CLUSTER_HEARTBEAT_SECONDS), or the store's (incidents, audit, history).
  const commands: Array<{ cmd: string; of: 'queue' | 'heartbeat' | 'store' }> = [];
  monitor.on('monitor', (_time: string, args: unknown[]) => {
    if (!counting) return;
    const keys = args.slice(1).map(String).filter((a) => a.startsWith(prefix));
    if (keys.length === 0) return;
    const of = keys.every((k) => k.startsWith(`${prefix}bull`)) ? 'queue' : keys.every((k) => k.startsWith(`${prefix}clusters`)) ? 'heartbeat' : 'store';
    commands.push({ cmd: String(args[0]).toLowerCase(), of });
  });
  let output = '';
  const child = spawn(process.execPath, ['src/main.ts'], {
    cwd: ROOT,
    env: await botEnvironment({
      slack, ollama, kubeconfigPath: bench.info.kubeconfigPath, namespace, prefix, healthPort,
      extra: { WATCH_ENABLED: String(run.watch), ...(run.socket ? { SLACK_APP_TOKEN: slack.identity.appToken } : {}) },
    }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (d: Buffer) => { output += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { output += d.toString(); });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const pid = child.pid!;
  try {
    const t0 = performance.now();
    await waitUntil('the bot started', async () => {
      if (child.exitCode !== null) throw new Error(`the bot exited:\n${output}`);
      return output.includes('"msg":"kube-ai-sre-agent started"') ? true : 'not yet';
    }, { timeoutMs: 60_000, intervalMs: 20 });
    const startMs = performance.now() - t0;
    const samples: Array<{ at: number; s: ReturnType<typeof procStatus> }> = [{ at: 0, s: procStatus(pid) }];
    // The first scan (and the analysis of the incident it finds) runs right after start; from
    // +30 s on, every scheduled scan finds the namespace unchanged.
    const countFrom = Math.min(30, run.seconds);
    for (let i = 1; i <= run.seconds; i++) {
      await new Promise((r) => setTimeout(r, 1000));
      samples.push({ at: i, s: procStatus(pid) });
      if (i === countFrom) counting = true;
    }
    counting = false;
    const ready = await fetch(`http://127.0.0.1:${healthPort}/readyz`);
    const marks = [0, 5, 10, 30, 60, 120, 300, 600].filter((m) => m <= run.seconds);
    const rows: Array<Array<string | number>> = samples.filter((x) => marks.includes(x.at)).map((x) => [
      run.label, x.at === 0 ? `started (${Math.round(startMs)} ms after spawn)` : `+${x.at} s idle`, x.s.VmRSS, x.s.RssAnon, x.s.RssFile, x.s.VmHWM,
    ]);
    const rss = samples.map((x) => x.s.VmRSS);
    const lastMinute = samples.filter((x) => x.at > run.seconds - 60).map((x) => x.s.VmRSS);
    rows.push([run.label, `min / max over ${run.seconds} s (readyz ${ready.status})`, `${Math.min(...rss).toFixed(1)} / ${Math.max(...rss).toFixed(1)}`, '', '', '']);
    rows.push([run.label, `mean of the last ${Math.min(60, run.seconds)} s`, lastMinute.reduce((a, b) => a + b, 0) / lastMinute.length, '', '', '']);
    const window = run.seconds - countFrom;
    const writes = commands.filter((c) => !READS.has(c.cmd));
    const describe = (list: typeof commands) => {
      const by = new Map<string, number>();
      for (const c of list) by.set(c.cmd, (by.get(c.cmd) ?? 0) + 1);
      return [...by].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ×${n}`).join(', ') || '—';
    };
    const redisRows = [
      [run.label, `+${countFrom} s … +${run.seconds} s (${window} s)`, writes.filter((c) => c.of === 'store').length, describe(writes.filter((c) => c.of === 'store')),
        writes.filter((c) => c.of === 'heartbeat').length, writes.filter((c) => c.of === 'queue').length, commands.filter((c) => READS.has(c.cmd)).length],
    ];
    return { rows, redis: redisRows };
  } finally {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
    monitor.disconnect();
    await deleteKeysUnder(redis, prefix);
    redis.disconnect();
    await slack.close();
    await ollama.close();
  }
}

/** RSS of a fresh node process right after importing `specifier` (nothing for a bare process). */
async function importRss(specifier: string | undefined): Promise<number> {
  const code = `${specifier ? `await import(${JSON.stringify(specifier)});` : ''} console.log(process.memoryUsage.rss());`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', code], { cwd: ROOT });
  return Number(stdout.trim()) / 2 ** 20;
}

async function main(): Promise<void> {
  printHeader('idle-rss', 'node bench/idle-rss.ts');
  const bench = await startBenchCluster();
  try {
    const { name: nodeName } = await bench.node();
    const ns = await bench.createNamespace('idle');
    // A quiet namespace: Deployment pods, all running, and one that OOMed once (one open incident).
    const workloads = await Promise.all(Array.from({ length: PODS / 10 }, (_, k) => createWorkload(bench.apps, ns, `web-${k}`)));
    await pool(PODS + 1, 8, async (i) => {
      const pod = await createWorkloadPod(bench.core, ns, workloads[i % workloads.length]!, nodeName);
      await reportStatus(bench.core, pod, i === PODS ? { kind: 'oom-killed', restartCount: 1 } : { kind: 'running' });
    });
    const runs: IdleRun[] = [
      { label: 'HTTP, watch on (default)', socket: false, watch: true, seconds: LONG_S },
      { label: 'Socket Mode, watch on', socket: true, watch: true, seconds: SHORT_S },
      { label: 'HTTP, watch off', socket: false, watch: false, seconds: SHORT_S },
    ];
    const rows: Array<Array<string | number>> = [];
    const redisRows: Array<Array<string | number>> = [];
    for (const r of runs) {
      const result = await idleRun(bench, ns, r);
      rows.push(...result.rows);
      redisRows.push(...result.redis);
    }
    note(`\`node src/main.ts\` with the documented environment (SCAN_NAMESPACES = one namespace of ${PODS} running Deployment pods and one OOMKilled pod, default SCAN_INTERVAL_SECONDS=60, LOG_LEVEL=info), from /proc/<pid>/status; MiB. The first scheduled scan runs right after start, finds the incident, and the fake LLM's diagnosis is posted.`);
    printTable(['bot', 'when', 'VmRSS MiB', 'RssAnon MiB', 'RssFile MiB', 'VmHWM MiB'], rows);
    note('Redis commands on the bot\'s keys while it idles after the first scan (MONITOR): the scheduled scans of the unchanged namespace. "store writes" = writes to incident, audit and history keys; "heartbeat writes" = the agent\'s cluster heartbeat (one MULTI of 4 writes every CLUSTER_HEARTBEAT_SECONDS, 15 s by default); "queue writes" = BullMQ\'s own bookkeeping of the scan jobs (scheduler, job records, events), under the queue prefix.');
    printTable(['bot', 'window', 'store writes', 'store writes by command', 'heartbeat writes', 'queue writes (bookkeeping)', 'reads'], redisRows);

    const agentModule = fileURLToPath(new URL('../src/app/create-agent.ts', import.meta.url));
    const scale: Array<[string, string | undefined]> = [
      ['bare node', undefined], ['@kubernetes/client-node (the package)', '@kubernetes/client-node'],
      ['src/adapters/kubernetes/vendor/client-node.js (the part the agent loads)', fileURLToPath(new URL('../src/adapters/kubernetes/vendor/client-node.js', import.meta.url))],
      ['@slack/bolt', '@slack/bolt'], ['bullmq', 'bullmq'], ['a one-line .ts module (Node\'s type stripping)', fileURLToPath(new URL('../src/adapters/hash.ts', import.meta.url))],
      ['src/app/create-agent.ts (every module the bot loads, nothing started)', agentModule],
    ];
    const scaleRows = [];
    for (const [label, specifier] of scale) scaleRows.push([label, await importRss(specifier)]);
    note('For scale: RSS of a fresh node process right after importing one module (process.memoryUsage.rss()).');
    printTable(['imported', 'RSS MiB'], scaleRows);
  } finally {
    await bench.stop();
  }
}

await main();
