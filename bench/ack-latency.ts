// Acknowledgement latency of `/sre help`, `/sre scan <ns>` and Approve clicks through the Slack
// HTTP receiver (signed requests to /slack/events), at 1, 10 and 100 requests in flight, while
// the LLM is slow (fake Ollama answers after 30 s) with an analysis waiting on it. The agent runs
// in this thread; the requests are signed, sent and timed from a worker thread (own event loop).
// Run: node bench/ack-latency.ts
import { APPROVER, startHarness, type Harness } from '../test/support/agent-harness.ts';
import type { FakeOllama, RecordedRequest } from '../test/support/fake-ollama.ts';
import { eventually } from '../test/support/eventually.ts';
import type { InboundPayload } from '../test/support/fake-slack/index.ts';
import { diffCounts, parseRequestCounts, total } from './support/apiserver-requests.ts';
import { startBenchCluster } from './support/bench-cluster.ts';
import { note, percentile, printHeader, printTable } from './support/report.ts';
import { startSlackLoad, type SlackLoad } from './support/slack-load.ts';
import { createWorkload, createWorkloadPod, reportStatus } from './support/workloads.ts';

const LEVELS = [1, 10, 100];
const REQUESTS_PER_LEVEL = 300;
const LLM_DELAY_MS = 30_000;

interface Level { latencies: number[]; failures: number; llmInFlight: number }

/** One row: the payloads are built here (their response URLs registered with the fake Slack), then signed, sent and timed by the load worker. */
async function measure(load: SlackLoad, payload: () => InboundPayload, concurrency: number, inFlight: () => number): Promise<Level> {
  const payloads = Array.from({ length: REQUESTS_PER_LEVEL }, payload);
  const llmAtStart = inFlight();
  const { latencies, failures } = await load.run(payloads, concurrency);
  return { latencies, failures, llmInFlight: Math.min(llmAtStart, inFlight()) };
}

/**
 * Makes every later /api/chat request slow (the fake's `slow` behaviour) while embeddings stay
 * fast, and records when each chat arrived. The fake records a request before it picks the
 * request's behaviour, so queueing `slow` as the chat is recorded applies it to that very chat.
 */
function slowChats(ollama: FakeOllama, delayMs: number): number[] {
  const arrivals: number[] = [];
  const record = ollama.requests.push.bind(ollama.requests);
  ollama.requests.push = (...items: RecordedRequest[]) => {
    for (const r of items) {
      if (r.path === '/api/chat') {
        ollama.enqueue({ kind: 'slow', delayMs });
        arrivals.push(performance.now());
      }
    }
    return record(...items);
  };
  return arrivals;
}

async function main(): Promise<void> {
  printHeader('ack-latency', 'node bench/ack-latency.ts');
  const bench = await startBenchCluster();
  let h: Harness | undefined;
  let load: SlackLoad | undefined;
  try {
    const { name: nodeName } = await bench.node();
    const ns = await bench.createNamespace('ack');
    const oomPod = async (name: string) => {
      const pod = await createWorkloadPod(bench.core, ns, await createWorkload(bench.apps, ns, name), nodeName);
      await reportStatus(bench.core, pod, { kind: 'crash-loop-after-oom', restartCount: 5 });
    };
    await oomPod('checkout');
    h = await startHarness(bench, { mode: 'http', namespace: ns, env: { OLLAMA_TIMEOUT_MS: '120000' } });
    const harness = h;

    // The incident people click on: detected, analyzed (fast LLM) and posted by the agent itself.
    await harness.queues.enqueueScan({ namespace: ns, trigger: 'schedule' });
    await eventually('the incident posted', async () => (await harness.store.listOpen())[0]?.slack !== undefined, 60_000);
    const [incident] = await harness.store.listOpen();

    // From now on every chat takes 30 s; five more incidents keep an analysis waiting on the model.
    const arrivals = slowChats(harness.ollama, LLM_DELAY_MS);
    const inFlight = () => arrivals.filter((t) => performance.now() - t < LLM_DELAY_MS).length;
    for (const name of ['search', 'catalog', 'identity', 'payments', 'ledger']) await oomPod(name);
    await harness.queues.enqueueScan({ namespace: ns, trigger: 'schedule' });
    await eventually('an analysis waiting on the slow model', () => inFlight() > 0, 60_000);

    const kinds: Array<[string, () => InboundPayload]> = [
      ['/sre help', () => harness.slack.payloads.slashCommand({ text: 'help' })],
      ['Approve click', () => harness.slack.payloads.blockAction({
        actionId: 'incident_approve', value: incident!.id, user: APPROVER, message: { ts: incident!.slack!.ts },
      })],
      [`/sre scan <ns>`, () => harness.slack.payloads.slashCommand({ text: `scan ${ns}` })],
    ];
    load = await startSlackLoad(harness.eventsUrl, harness.slack.identity.signingSecret);
    const rows: Array<Array<string | number>> = [];
    const auditLength = () => harness.redis.xlen(`${harness.prefix}audit`);
    const slashScans = async () => [...(await harness.agent.metrics.scrape()).matchAll(/^kube_ai_sre_scans_total\{[^}]*trigger="slash"[^}]*\} (\d+)/gm)]
      .reduce((sum, m) => sum + Number(m[1]), 0);
    const auditBefore = await auditLength();
    const started = performance.now();
    for (const [label, payload] of kinds) {
      for (const level of LEVELS) {
        const before = parseRequestCounts(await bench.scrapeMetrics());
        const r = await measure(load, payload, level, inFlight);
        const apiRequests = total(diffCounts(before, parseRequestCounts(await bench.scrapeMetrics())));
        rows.push([
          label, level, r.latencies.length, percentile(r.latencies, 50), percentile(r.latencies, 95), percentile(r.latencies, 99),
          Math.max(...r.latencies), r.failures, r.llmInFlight > 0 ? 'yes' : 'no', apiRequests,
        ]);
      }
    }
    const elapsed = (performance.now() - started) / 1000;
    const chats = harness.ollama.chatRequests().length;

    // What happens after the acks: every Approve and every /sre scan appends an audit entry, and
    // every scan runs as a job. How long until that backlog has drained?
    const acked = performance.now();
    const expectedAudit = 2 * LEVELS.length * REQUESTS_PER_LEVEL;
    const expectedScans = LEVELS.length * REQUESTS_PER_LEVEL;
    let auditDoneAt = NaN;
    await eventually('the post-ack backlog drained', async () => {
      if (Number.isNaN(auditDoneAt) && (await auditLength()) - auditBefore >= expectedAudit) auditDoneAt = performance.now();
      return !Number.isNaN(auditDoneAt) && (await slashScans()) >= expectedScans;
    }, 180_000);
    const scansDoneAt = performance.now();

    note(`${REQUESTS_PER_LEVEL} signed requests per row, built with the fake Slack's payload builders, then signed and sent to the agent's /slack/events by a load generator on its own thread (a worker_threads Worker, its own event loop; same process and 2 cores as the agent); latency = measured in that thread, from encoding + signing the request to its HTTP response (Bolt answers on ack()). The LLM answered every diagnosis after ${LLM_DELAY_MS / 1000} s (LLM_CONCURRENCY=1, five incidents queued behind it); "LLM busy" = a diagnosis chat was waiting on the slow model at the start and at the end of the row. The first Approve recorded the decision, the rest were refused as already decided (still authorised and audited after the ack). Every /sre scan queued a real scan job (background load on the same 2 cores). "API server requests": what the private kube-apiserver served during the row (apiserver_request_total, housekeeping excluded): the acks never touch it; any counted in a scan row come from background scan jobs, which mostly ran after the rows (see below).`);
    printTable(['request', 'in flight', 'n', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'non-200', 'LLM busy', 'API server requests'], rows);
    note(`All rows took ${elapsed.toFixed(1)} s; the fake Ollama received ${chats} chat requests during them. After the last ack: the ${expectedAudit} audit entries (${LEVELS.length * REQUESTS_PER_LEVEL} Approve outcomes, ${expectedScans} scan requests) were all appended ${((auditDoneAt - acked) / 1000).toFixed(1)} s later, and the ${expectedScans} scan jobs (2 at a time, each listing the namespace) had all run ${((scansDoneAt - acked) / 1000).toFixed(1)} s later.`);
  } finally {
    await load?.close();
    // Close the fake Ollama first: the analysis waiting on it falls back at once instead of
    // holding the worker's shutdown for 30 s.
    await h?.ollama.close();
    await h?.stop();
    await bench.stop();
  }
}

await main();
