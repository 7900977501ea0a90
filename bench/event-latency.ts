// Detection latency through the Warning-event watch: from the POST of a SystemOOM event
// (events.k8s.io/v1) about a running pod to the analyze job being queued and to the incident's
// chat.postMessage reaching the fake Slack, with a fast fake LLM. No scan runs meanwhile (hourly
// interval, the start-up scan finds nothing). 30 different workloads one event at a time, then
// 30 more in bursts of 10 pods at once, each pod's kill reported by 3 events in a row (folded
// into one pod read).
// Run: node bench/event-latency.ts
import { blocksText, startHarness, type Harness } from '../test/support/agent-harness.ts';
import { postEventsV1 } from '../test/support/test-cluster/events.ts';
import { setContainerScenario } from '../test/support/test-cluster/pod-status.ts';
import { startBenchCluster } from './support/bench-cluster.ts';
import { note, percentile, printHeader, printTable } from './support/report.ts';
import { createWorkload, createWorkloadPod, pool } from './support/workloads.ts';

const EVENTS = 30;
const BURST = 10;
const REPEATS_IN_BURST = 3;

async function main(): Promise<void> {
  printHeader('event-latency', 'node bench/event-latency.ts');
  const bench = await startBenchCluster();
  let h: Harness | undefined;
  try {
    const { name: nodeName } = await bench.node();
    const ns = await bench.createNamespace('events');
    const pods: string[] = [];
    await pool(2 * EVENTS + 1, 8, async (i) => {
      const w = await createWorkload(bench.apps, ns, `api-${String(i).padStart(2, '0')}`);
      const pod = await createWorkloadPod(bench.core, ns, w, nodeName);
      pods[i] = pod.metadata!.name!;
      await setContainerScenario(bench.core, ns, pods[i]!, 'app', { kind: 'running' });
    });
    h = await startHarness(bench, { mode: 'http', namespace: ns, watch: false, eventWatch: true });
    const harness = h;
    let serial = 0;

    const kill = async (i: number, repeats: number) => {
      const pod = pods[i]!;
      const t0 = Date.now();
      for (let r = 0; r < repeats; r++) {
        serial += 1;
        await postEventsV1(bench.info, {
          namespace: ns, eventTime: new Date(), reportingController: 'kubelet', reportingInstance: nodeName, action: 'OOMKilling',
          regarding: { kind: 'Pod', name: pod }, reason: 'SystemOOM', note: `System OOM encountered, victim process: worker, pid: ${1000 + serial}`,
        });
      }
      await harness.slack.waitForCall('chat.postMessage', (c) => !c.args.thread_ts && blocksText(c).includes(pod), 60_000);
      const postedAt = Date.now();
      const jobs = await harness.queues.analyze.getJobs(['completed', 'active', 'waiting', 'delayed']);
      const job = jobs.find((j) => j.data.pod === pod);
      if (!job) throw new Error(`no analyze job for ${pod}`);
      return { queued: job.timestamp - t0, posted: postedAt - t0 };
    };

    // The first event also proves the watch is live; it is not counted.
    await kill(2 * EVENTS, 1);
    const single = [];
    for (let i = 0; i < EVENTS; i++) single.push(await kill(i, 1));
    const bursts = [];
    for (let b = EVENTS; b < 2 * EVENTS; b += BURST) {
      bursts.push(...await Promise.all(Array.from({ length: BURST }, (_, k) => kill(b + k, REPEATS_IN_BURST))));
    }
    const scans = (await harness.agent.metrics.scrape()).split('\n').filter((l) => l.startsWith('kube_ai_sre_scans_total{')).map((l) => Number(l.split(' ').at(-1))).reduce((a, b) => a + b, 0);

    const row = (label: string, values: number[]) => [label, values.length, percentile(values, 50), percentile(values, 95), percentile(values, 99), Math.max(...values)];
    note(`Each SystemOOM event (events.k8s.io/v1) about a different Deployment's running pod; fake LLM answering at once (\`well\`); LLM_CONCURRENCY=1; pod watch off, so only the event watch can see it; scans run in all: ${scans} (the start-up one). Times from the moment the first POST went out (Date.now(), same clock as the agent's); the event handler waits 100 ms for more events about the same pod before reading it.`);
    for (const [label, samples] of [[`${EVENTS} events, one at a time`, single], [`${EVENTS} pods, ${BURST} at once, ${REPEATS_IN_BURST} events each`, bursts]] as const) {
      note(`**${label}**`);
      printTable(['POST → …', 'n', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'], [
        row('analyze job queued (job.timestamp)', samples.map((s) => s.queued)),
        row('chat.postMessage received by Slack', samples.map((s) => s.posted)),
      ]);
    }
  } finally {
    await h?.stop();
    await bench.stop();
  }
}

await main();
