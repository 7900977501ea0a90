// A load generator for signed Slack requests that runs on its own event loop (a worker thread,
// slack-load-worker.ts), the way real Slack is another machine: the agent's process only serves.
import { Worker } from 'node:worker_threads';
import type { InboundPayload } from '../../test/support/fake-slack/index.ts';

export interface LoadWorkerData { eventsUrl: string; signingSecret: string }
export interface LoadRequest { id: number; payloads: InboundPayload[]; concurrency: number }
export interface LoadResult { id: number; latencies: number[]; failures: number; error?: string }

export interface SlackLoad {
  /** Sends every payload (signed, `concurrency` in flight); latencies in ms, failures = non-200 answers. */
  run(payloads: InboundPayload[], concurrency: number): Promise<{ latencies: number[]; failures: number }>;
  close(): Promise<void>;
}

export async function startSlackLoad(eventsUrl: string, signingSecret: string): Promise<SlackLoad> {
  const worker = new Worker(new URL('./slack-load-worker.ts', import.meta.url), { workerData: { eventsUrl, signingSecret } satisfies LoadWorkerData });
  const pending = new Map<number, { resolve: (r: LoadResult) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  const failAll = (err: Error) => {
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  worker.on('message', (r: LoadResult) => {
    const p = pending.get(r.id);
    pending.delete(r.id);
    if (r.error !== undefined) p?.reject(new Error(`Slack load worker: ${r.error}`));
    else p?.resolve(r);
  });
  worker.on('error', failAll);
  worker.on('exit', (code) => failAll(new Error(`Slack load worker exited (code ${code})`)));
  await new Promise<void>((resolve, reject) => {
    worker.once('online', resolve);
    worker.once('error', reject);
  });
  return {
    run: (payloads, concurrency) => new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: ({ latencies, failures }) => resolve({ latencies, failures }), reject });
      worker.postMessage({ id, payloads, concurrency } satisfies LoadRequest);
    }),
    close: async () => {
      await worker.terminate();
    },
  };
}
