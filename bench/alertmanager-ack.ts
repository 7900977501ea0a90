// How fast the Alertmanager webhook answers: notifications of 1, 100 and 1,000 alerts, each
// validated and queued in Redis (BullMQ) before the 200, none processed meanwhile. Alertmanager's
// webhook times out after 10 s by default; a flood must be answered well within that.
// Run: node bench/alertmanager-ack.ts
import { startAlertReceiver } from '../src/adapters/http/alertmanager-receiver.ts';
import { connectRedis } from '../src/adapters/redis/connection.ts';
import { createQueues } from '../src/adapters/redis/queues.ts';
import { silentLogger } from '../src/logging.ts';
import { webhookAlert, webhookPayload } from '../test/fixtures/alertmanager/webhook.ts';
import { deleteKeysUnder, SHARED_REDIS_URL, uniquePrefix } from '../test/support/redis-keys.ts';
import { note, percentile, printHeader, printTable } from './support/report.ts';

const SIZES = [1, 100, 1000];
const REQUESTS = 50;
const TOKEN = 'bench-alertmanager-token-0123456789';

async function main(): Promise<void> {
  printHeader('Alertmanager webhook: time to answer', 'node bench/alertmanager-ack.ts');
  const redis = await connectRedis(SHARED_REDIS_URL, 'queue');
  const prefix = uniquePrefix('bench-am');
  const queues = createQueues({ connection: redis, prefix: `${prefix}bull` });
  const receiver = await startAlertReceiver({
    port: 0, host: '127.0.0.1', token: TOKEN, maxBodyBytes: 4 * 1024 * 1024, logger: silentLogger,
    accept: async (payload, key) => { await queues.enqueueAlerts({ payload, receivedAt: new Date().toISOString() }, key); },
  });
  const url = `http://127.0.0.1:${receiver.port}/alertmanager`;
  const rows: Array<Array<string | number>> = [];
  try {
    for (const size of SIZES) {
      const latencies: number[] = [];
      let bytes = 0;
      for (let r = 0; r < REQUESTS; r++) {
        // A distinct notification each time (no queue dedupe), as a real flood's re-sends differ.
        const body = JSON.stringify(webhookPayload(Array.from({ length: size }, (_, i) => webhookAlert({ labels: { pod: `web-${r}-${i}` } }))));
        bytes = body.length;
        const t0 = performance.now();
        const res = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body });
        await res.arrayBuffer();
        latencies.push(performance.now() - t0);
        if (res.status !== 200) throw new Error(`status ${res.status}`);
      }
      rows.push([size, `${Math.round(bytes / 1024)} KiB`, percentile(latencies, 50).toFixed(1), percentile(latencies, 95).toFixed(1), Math.max(...latencies).toFixed(1)]);
    }
  } finally {
    await receiver.close();
    await queues.close();
    await deleteKeysUnder(redis, prefix);
    redis.disconnect();
  }
  printTable(['alerts', 'body', 'p50 ms', 'p95 ms', 'max ms'], rows);
  note(`${REQUESTS} notifications per size, one at a time, each validated and queued in Redis before its answer.`);
}

await main();
