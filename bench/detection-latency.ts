// Detection latency with the pod watch on: from the PATCH of a pod's status to OOMKilled or
// CrashLoopBackOff-after-OOM, to the analyze job being queued (the BullMQ job's own timestamp,
// set by the agent when it enqueues) and to the incident's chat.postMessage reaching the fake
// Slack, with a fast fake LLM. 50 different workloads one change at a time, then 50 more in
// batches of 10 changed at once.
// Run: node bench/detection-latency.ts
import type { CoreV1Api } from '@kubernetes/client-node';
import { blocksText, startHarness, type Harness } from '../test/support/agent-harness.ts';
import { setContainerScenario } from '../test/support/test-cluster/pod-status.ts';
import { startBenchCluster } from './support/bench-cluster.ts';
import { note, percentile, printHeader, printTable } from './support/report.ts';
import { createWorkload, createWorkloadPod, JAVA_OOM_LOG, pool } from './support/workloads.ts';

const CHANGES = 50;
const BATCH = 10;

/** The API client the status helper uses, noting the moment its PATCH goes out. */
function timedCore(core: CoreV1Api, onPatch: (at: number) => void): CoreV1Api {
  return new Proxy(core, {
    get(target, prop, receiver) {
      if (prop === 'patchNamespacedPodStatus') {
        return (...args: Parameters<CoreV1Api['patchNamespacedPodStatus']>) => {
          onPatch(Date.now());
          return target.patchNamespacedPodStatus(...args);
        };
      }
      const value: unknown = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

async function main(): Promise<void> {
  printHeader('detection-latency', 'node bench/detection-latency.ts');
  const bench = await startBenchCluster();
  let h: Harness | undefined;
  try {
    const { name: nodeName } = await bench.node();
    const ns = await bench.createNamespace('watch');
    const pods: string[] = [];
    await pool(2 * CHANGES + 1, 8, async (i) => {
      const w = await createWorkload(bench.apps, ns, `api-${String(i).padStart(2, '0')}`);
      const pod = await createWorkloadPod(bench.core, ns, w, nodeName);
      pods[i] = pod.metadata!.name!;
      await setContainerScenario(bench.core, ns, pods[i]!, 'app', { kind: 'running' });
      await bench.setLogs(ns, pods[i]!, 'app', { previous: JAVA_OOM_LOG, current: '' });
    });
    h = await startHarness(bench, { mode: 'http', namespace: ns, watch: true });
    const harness = h;

    const change = async (i: number) => {
      const pod = pods[i]!;
      const scenario = i % 2 === 0 ? { kind: 'oom-killed' as const, restartCount: 1 } : { kind: 'crash-loop-after-oom' as const, restartCount: 4 };
      let patchedAt = 0;
      await setContainerScenario(timedCore(bench.core, (at) => { patchedAt = at; }), ns, pod, 'app', scenario);
      const t0 = patchedAt;
      await harness.slack.waitForCall('chat.postMessage', (c) => !c.args.thread_ts && blocksText(c).includes(pod), 60_000);
      const postedAt = Date.now();
      const jobs = await harness.queues.analyze.getJobs(['completed', 'active', 'waiting', 'delayed']);
      const job = jobs.find((j) => j.data.pod === pod);
      if (!job) throw new Error(`no analyze job for ${pod}`);
      return { queued: job.timestamp - t0, started: (job.processedOn ?? NaN) - t0, posted: postedAt - t0 };
    };

    // The first change also proves the watch is live; it is not counted.
    await change(2 * CHANGES);
    const single = [];
    for (let i = 0; i < CHANGES; i++) single.push(await change(i));
    const batched = [];
    for (let b = CHANGES; b < 2 * CHANGES; b += BATCH) {
      batched.push(...await Promise.all(Array.from({ length: BATCH }, (_, k) => change(b + k))));
    }

    const row = (label: string, values: number[]) => [label, values.length, percentile(values, 50), percentile(values, 95), percentile(values, 99), Math.max(...values)];
    note(`Each status change on a different Deployment's pod (half OOMKilled, half CrashLoopBackOff after OOM); fake LLM answering at once (\`well\`); LLM_CONCURRENCY=1. Times from the moment the PATCH request went out (Date.now(), same clock as the agent's).`);
    for (const [label, samples] of [[`${CHANGES} changes, one at a time`, single], [`${CHANGES} changes, ${BATCH} at once`, batched]] as const) {
      note(`**${label}**`);
      printTable(['PATCH → …', 'n', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'], [
        row('analyze job queued (job.timestamp)', samples.map((s) => s.queued)),
        row('analysis started (job.processedOn)', samples.map((s) => s.started)),
        row('chat.postMessage received by Slack', samples.map((s) => s.posted)),
      ]);
    }
  } finally {
    await h?.stop();
    await bench.stop();
  }
}

await main();
