// LLM economy: (1) LLM calls for an incident scanned 20 times, unchanged and recurring, through
// the real agent wiring (fake Ollama counting chat calls); (2) the prompt size for a container
// whose previous log is 50 MB: through buildIncidentContext + buildDiagnosisMessages directly,
// and through the real log path (a fake kubelet serving the 50 MB log to the API server, the
// agent reading it with LOG_TAIL_LINES/LOG_LIMIT_BYTES, the prompt as the fake Ollama received it).
// Run: node bench/llm-economy.ts
import { createClusterReader } from '../src/adapters/kubernetes/cluster-reader.ts';
import { buildIncidentContext, LOG_BEGIN, LOG_END } from '../src/core/context/build-context.ts';
import { buildDiagnosisMessages, CONTEXT_BEGIN, CONTEXT_END } from '../src/core/diagnosis/prompt.ts';
import { recommendMemory } from '../src/core/recommend/memory.ts';
import { detectNamespace } from '../src/usecases/detect-namespace.ts';
import { blocksText, startHarness, type Harness } from '../test/support/agent-harness.ts';
import { eventually } from '../test/support/eventually.ts';
import { applyLogOptions } from '../test/support/test-cluster/fake-kubelet.ts';
import { startBenchCluster, type BenchCluster } from './support/bench-cluster.ts';
import { MiB, note, printHeader, printTable } from './support/report.ts';

const SCANS = 20;
const LOG_BYTES = 50 * MiB;

const CRASH_LOG = [
  'stress: info: [1] dispatching hogs: 0 cpu, 0 io, 1 vm, 0 hdd',
  'stress: FAIL: [1] (415) <-- worker 7 got signal 9',
].join('\n');

/** A 50 MB application log: varied request lines, some secrets, a GC warning trail and the OOM at the end. */
function hugeLog(bytes: number): string {
  const lines: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes - 4096; i++) {
    const t = new Date(Date.UTC(2026, 10, 26, 0, 0, 0) + i * 37).toISOString();
    const line = i % 997 === 0
      ? `${t} DEBUG db connect url=postgres://orders:s3cr3t-${i}@db.shop.svc:5432/orders token=Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIke2l9In0.c2lnbmF0dXJl`
      : i % 101 === 0
        ? `${t} WARN  gc pause ${200 + (i % 700)}ms heap=${60 + (i % 4)}Mi/64Mi old-gen occupancy ${80 + (i % 19)}%`
        : `${t} INFO  request handled method=GET path=/api/orders/${i % 5000} status=200 duration_ms=${i % 250} trace_id=${(i * 2654435761 >>> 0).toString(16)}`;
    lines.push(line);
    size += line.length + 1;
  }
  lines.push('2026-11-26T06:00:00.000Z ERROR java.lang.OutOfMemoryError: Java heap space', '\tat com.shop.orders.Cache.put(Cache.java:88)', 'Killed');
  return `${lines.join('\n')}\n`;
}

async function scansDone(h: Harness): Promise<number> {
  const text = await h.agent.metrics.scrape();
  return [...text.matchAll(/^kube_ai_sre_scans_total\{[^}]*outcome="ok"[^}]*\} (\d+)/gm)].reduce((s, m) => s + Number(m[1]), 0);
}

const incidentPosts = (h: Harness, pod: string) => h.slack.callsTo('chat.postMessage').filter((c) => !c.args.thread_ts && blocksText(c).includes(pod));
const incidentUpdates = (h: Harness, pod: string) => h.slack.callsTo('chat.update').filter((c) => blocksText(c).includes(pod));

async function demoNamespace(bench: BenchCluster, prefix: string, previousLog: string): Promise<string> {
  const ns = await bench.createNamespace(prefix);
  await bench.applyDemo(ns);
  await bench.setContainerScenario(ns, 'memory-hog', 'app', { kind: 'crash-loop-after-oom', restartCount: 5 });
  await bench.setContainerScenario(ns, 'slow-memory-hog', 'app', { kind: 'running' });
  await bench.setLogs(ns, 'memory-hog', 'app', { previous: previousLog, current: '' });
  return ns;
}

/** Scans until 20 have run (the agent's own first scheduled scan included), one after the other. */
async function twentyScans(bench: BenchCluster, recurring: boolean): Promise<Array<string | number>> {
  const ns = await demoNamespace(bench, recurring ? 'recur' : 'same', CRASH_LOG);
  const h = await startHarness(bench, { mode: 'http', namespace: ns });
  const idle = async () => {
    // Not 'delayed': the schedule's next tick waits there for an hour.
    const c = await h.queues.scan.getJobCounts('active', 'waiting', 'prioritized');
    return Object.values(c).every((n) => n === 0);
  };
  try {
    // Scan 1 is the agent's own: its schedule runs the first scan at start.
    const posted = async () => (await h.store.listOpen())[0]?.slack !== undefined;
    await eventually('the incident posted by the first scheduled scan', posted, 60_000);
    await eventually('no scan running', idle, 60_000);
    for (let done = await scansDone(h), i = 1; done < SCANS; done = await scansDone(h), i++) {
      if (recurring) {
        // One more OOM restart each time: a newer termination, restartCount + 1.
        await bench.setContainerScenario(ns, 'memory-hog', 'app', { kind: 'crash-loop-after-oom', restartCount: 5 + i }, new Date(Date.now() + i * 1000));
      }
      await h.queues.enqueueScan({ namespace: ns, trigger: 'schedule' });
      await eventually(`scan ${done + 1}`, async () => (await scansDone(h)) > done && (await idle()), 60_000);
    }
    await eventually('no analysis running', async () => {
      const c = await h.queues.analyze.getJobCounts('active', 'waiting', 'delayed', 'prioritized');
      return Object.values(c).every((n) => n === 0);
    }, 60_000);
    const open = await h.store.listOpen();
    const chats = h.ollama.chatRequests().length;
    const embeds = h.ollama.requests.filter((r) => r.path === '/api/embed').length;
    return [
      recurring ? 'recurring (restartCount +1 before each later scan)' : 'unchanged', await scansDone(h), open.length, open[0]?.occurrences ?? 0,
      chats, embeds, incidentPosts(h, 'memory-hog').length, incidentUpdates(h, 'memory-hog').length, chats / Math.max(1, open.length),
    ];
  } finally {
    await h.stop();
  }
}

interface PromptFigures { system: number; user: number; context: number; logLines: number; ms: number }

/** Context characters and log lines, read back from the user message the way the model sees it. */
function contextFigures(user: string): { context: number; logLines: number } {
  const start = user.indexOf(`${CONTEXT_BEGIN}\n`) + CONTEXT_BEGIN.length + 1;
  const context = user.slice(start, user.indexOf(`\n${CONTEXT_END}`));
  const log = context.slice(context.indexOf(LOG_BEGIN) + LOG_BEGIN.length, context.indexOf(LOG_END)).split('\n').filter((l) => l.trim() !== '');
  return { context: context.length, logLines: log.length };
}

async function pureBuild(bench: BenchCluster, ns: string, logTail: string): Promise<PromptFigures> {
  const cluster = createClusterReader(bench.kc);
  const { found } = await detectNamespace(cluster, ns);
  const f = found.find((x) => x.detection.pod === 'memory-hog')!;
  const [events, node] = await Promise.all([cluster.listEvents(ns), cluster.readNode(f.detection.nodeName!)]);
  const t0 = performance.now();
  const context = buildIncidentContext({ detection: f.detection, pod: f.pod, events, logTail, node, workload: f.workload });
  const messages = buildDiagnosisMessages({ contextText: context.text, recommendation: recommendMemory(f.detection, {}) });
  const ms = performance.now() - t0;
  return { system: messages[0]!.content.length, user: messages[1]!.content.length, ...contextFigures(messages[1]!.content), ms };
}

/** The whole agent reads the 50 MB log through the API server; the prompt is what Ollama got. */
async function throughAgent(bench: BenchCluster, ns: string, env: Record<string, string>) {
  const h = await startHarness(bench, { mode: 'http', namespace: ns, env });
  try {
    const kubelet = (await bench.node()).kubelet;
    const seenBefore = kubelet.requests.length;
    await h.queues.enqueueScan({ namespace: ns, trigger: 'schedule' });
    await h.slack.waitForCall('chat.postMessage', (c) => !c.args.thread_ts && blocksText(c).includes('memory-hog'), 120_000);
    const chat = h.ollama.chatRequests().at(-1)!;
    const logRequest = kubelet.requests.slice(seenBefore).find((r) => r.pod === 'memory-hog' && r.query.previous === 'true')!;
    let analysisMs = NaN;
    await eventually('the analyze job finished', async () => {
      const job = (await h.queues.analyze.getJobs(['completed'])).find((j) => j.data.pod === 'memory-hog');
      if (job?.finishedOn && job.processedOn) analysisMs = job.finishedOn - job.processedOn;
      return Number.isFinite(analysisMs);
    }, 60_000);
    return {
      label: `tailLines=${logRequest.query.tailLines}, limitBytes=${logRequest.query.limitBytes}`,
      query: logRequest.query,
      system: chat.messages[0]!.content.length,
      user: chat.messages[1]!.content.length,
      ...contextFigures(chat.messages[1]!.content),
      ms: analysisMs,
    };
  } finally {
    await h.stop();
  }
}

async function main(): Promise<void> {
  printHeader('llm-economy', 'node bench/llm-economy.ts');
  const bench = await startBenchCluster();
  try {
    const economy = [await twentyScans(bench, false), await twentyScans(bench, true)];
    note(`${SCANS} scans of a namespace whose memory-hog pod is in CrashLoopBackOff after OOM (manifests/demo), one after the other, through startAgent (fake Slack, fake Ollama counting requests): the agent's first scheduled scan, then ${SCANS - 1} queued scans. "recurring": before each of those ${SCANS - 1}, the pod OOMs again (newer termination, restartCount + 1).`);
    printTable(['incident', 'scans', 'open incidents', 'occurrences', 'LLM chat calls', 'embed calls', 'Slack posts', 'Slack updates', 'chat calls / incident'], economy);

    const log = hugeLog(LOG_BYTES);
    const ns = await demoNamespace(bench, 'biglog', log);
    const logMiB = Buffer.byteLength(log) / MiB;
    const full = await pureBuild(bench, ns, log);
    const defaults = { tailLines: '200', limitBytes: String(256 * 1024) };
    const served = applyLogOptions(log, defaults);
    const boundedPure = await pureBuild(bench, ns, served.toString('utf8'));
    const agentDefault = await throughAgent(bench, ns, {});
    const agentMax = await throughAgent(bench, ns, { LOG_TAIL_LINES: '5000', LOG_LIMIT_BYTES: String(10 * MiB) });
    const servedMax = applyLogOptions(log, agentMax.query);

    note(`Previous log of memory-hog: ${logMiB.toFixed(1)} MiB, ${log.split('\n').length - 1} lines (request lines, GC warnings, a credential line every 997 lines, the OutOfMemoryError at the end). Prompt size = characters of the system and user messages; context and log lines are read back from the user message.`);
    const row = (path: string, logBytes: number, f: PromptFigures) => [path, logBytes, f.logLines, f.context, f.system, f.user, f.system + f.user, f.ms];
    printTable(['path', 'log read (bytes)', 'log lines in prompt', 'context chars', 'system prompt chars', 'user prompt chars', 'total prompt chars', 'time ms'], [
      row('buildIncidentContext + buildDiagnosisMessages, whole 50 MB string', Buffer.byteLength(log), full),
      row('same, on what the default limits read', served.length, boundedPure),
      row(`agent, defaults (${agentDefault.label})`, served.length, agentDefault),
      row(`agent, maximum limits (${agentMax.label})`, servedMax.length, agentMax),
    ]);
    note('"time ms": the pure build for the first two rows; for the agent rows, the whole analyze job (job.finishedOn − job.processedOn: log, events and node reads, context, LLM call, Slack post). "log read" for the agent rows is what the kubelet served for the query the agent sent (tail first, then cut at limitBytes, as the kubelet does).');
  } finally {
    await bench.stop();
  }
}

await main();
