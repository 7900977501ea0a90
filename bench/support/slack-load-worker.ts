// The Slack side of the ack-latency bench, on its own thread: it signs each payload it is given
// with the workspace's signing secret, POSTs it to the agent's /slack/events with the requested
// number in flight, and reports each request's latency. Running it off the agent's event loop
// keeps the client's own encoding, signing and HTTP work out of the agent's figures.
// Started by slack-load.ts; workerData: { eventsUrl, signingSecret }.
import { parentPort, workerData } from 'node:worker_threads';
import { deliver } from '../../test/support/fake-slack/http-mode.ts';
import type { LoadRequest, LoadResult, LoadWorkerData } from './slack-load.ts';

const { eventsUrl, signingSecret } = workerData as LoadWorkerData;
const port = parentPort!;

async function run({ payloads, concurrency }: LoadRequest): Promise<Omit<LoadResult, 'id'>> {
  const latencies: number[] = [];
  let failures = 0;
  let next = 0;
  const sender = async () => {
    while (next < payloads.length) {
      const payload = payloads[next++]!;
      const t0 = performance.now();
      const res = await deliver(eventsUrl, payload, { signingSecret });
      latencies.push(performance.now() - t0);
      if (res.status !== 200) failures++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, sender));
  return { latencies, failures };
}

port.on('message', (req: LoadRequest) => {
  run(req).then(
    (r) => port.postMessage({ id: req.id, ...r } satisfies LoadResult),
    (err: unknown) => port.postMessage({ id: req.id, latencies: [], failures: 0, error: String(err) } satisfies LoadResult),
  );
});
