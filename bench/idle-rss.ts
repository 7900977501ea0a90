// Idle RSS of the running bot: `node src/main.ts` (what `npm start` runs) as a child process with
// the documented environment, against the shared Redis, a private test cluster, the fake Slack
// (HTTP mode) and the fake Ollama. VmRSS from /proc/<pid>/status once it says it started, then
// every second for 20 s of idling; once with the pod watch on (the default) and once with it off.
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
const IDLE_S = 20;
const PODS = 30;

/** VmRSS, VmHWM, RssAnon, RssFile in MiB. */
function procStatus(pid: number): Record<'VmRSS' | 'VmHWM' | 'RssAnon' | 'RssFile', number> {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
  return { VmRSS: kib('VmRSS') / 1024, VmHWM: kib('VmHWM') / 1024, RssAnon: kib('RssAnon') / 1024, RssFile: kib('RssFile') / 1024 };
}

async function idleRun(bench: BenchCluster, namespace: string, watch: boolean): Promise<Array<Array<string | number>>> {
  const slack = await startFakeSlack();
  const ollama = await startFakeOllama();
  const prefix = uniquePrefix('bench-idle');
  const healthPort = await freePort();
  let output = '';
  const child = spawn(process.execPath, ['src/main.ts'], {
    cwd: ROOT,
    env: await botEnvironment({
      slack, ollama, kubeconfigPath: bench.info.kubeconfigPath, namespace, prefix, healthPort,
      extra: { WATCH_ENABLED: String(watch) },
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
    for (let i = 1; i <= IDLE_S; i++) {
      await new Promise((r) => setTimeout(r, 1000));
      samples.push({ at: i, s: procStatus(pid) });
    }
    const ready = await fetch(`http://127.0.0.1:${healthPort}/readyz`);
    const label = watch ? 'watch on (default)' : 'watch off';
    const rows = samples.filter((x) => [0, 5, 10, IDLE_S].includes(x.at)).map((x) => [
      label, x.at === 0 ? `started (${Math.round(startMs)} ms after spawn)` : `+${x.at} s idle`, x.s.VmRSS, x.s.RssAnon, x.s.RssFile, x.s.VmHWM,
    ]);
    const rss = samples.map((x) => x.s.VmRSS);
    rows.push([label, `min / max over ${IDLE_S} s (readyz ${ready.status})`, `${Math.min(...rss).toFixed(1)} / ${Math.max(...rss).toFixed(1)}`, '', '', '']);
    return rows;
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
    // A quiet namespace: Deployment pods, all running; nothing to report.
    const workloads = await Promise.all(Array.from({ length: PODS / 10 }, (_, k) => createWorkload(bench.apps, ns, `web-${k}`)));
    await pool(PODS, 8, async (i) => {
      const pod = await createWorkloadPod(bench.core, ns, workloads[i % workloads.length]!, nodeName);
      await reportStatus(bench.core, pod, { kind: 'running' });
    });
    const rows = [...await idleRun(bench, ns, true), ...await idleRun(bench, ns, false)];
    note(`\`node src/main.ts\` with the documented environment (HTTP mode, SCAN_NAMESPACES = one namespace of ${PODS} running Deployment pods, default SCAN_INTERVAL_SECONDS=60, LOG_LEVEL=info), from /proc/<pid>/status; MiB. The first scheduled scan runs right after start.`);
    printTable(['bot', 'when', 'VmRSS MiB', 'RssAnon MiB', 'RssFile MiB', 'VmHWM MiB'], rows);

    const agentModule = fileURLToPath(new URL('../src/app/create-agent.ts', import.meta.url));
    const scale: Array<[string, string | undefined]> = [
      ['bare node', undefined], ['@kubernetes/client-node', '@kubernetes/client-node'], ['@slack/bolt', '@slack/bolt'], ['bullmq', 'bullmq'],
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
