// The webhook receiver over real HTTP: every request answered, the token checked before the body
// is read, malformed and oversized bodies refused with a reason, and only valid notifications queued.
import { afterEach, describe, expect, it } from 'vitest';
import { startAlertReceiver, type AlertReceiver, type ReceiverOutcome } from '../../../src/adapters/http/alertmanager-receiver.ts';
import type { AlertmanagerWebhook } from '../../../src/core/alerts/webhook-payload.ts';
import { silentLogger } from '../../../src/logging.ts';
import { webhookAlert, webhookPayload } from '../../fixtures/alertmanager/webhook.ts';

const TOKEN = 'am-token-0123456789abcdef';

describe('Alertmanager webhook receiver', () => {
  let receiver: AlertReceiver | undefined;
  let accepted: Array<{ payload: AlertmanagerWebhook; key: string }>;
  let outcomes: ReceiverOutcome[];
  let alerts: Array<[string, number]>;
  afterEach(async () => receiver?.close());

  async function start(opts: { failQueue?: boolean; maxBodyBytes?: number } = {}) {
    accepted = [];
    outcomes = [];
    alerts = [];
    receiver = await startAlertReceiver({
      port: 0, host: '127.0.0.1', token: TOKEN, maxBodyBytes: opts.maxBodyBytes ?? 64 * 1024, logger: silentLogger,
      accept: async (payload, key) => {
        if (opts.failQueue) throw new Error('store_unavailable: Redis is down');
        accepted.push({ payload, key });
      },
      onRequest: (o) => outcomes.push(o),
      onAlerts: (status, n) => alerts.push([status, n]),
    });
    return `http://127.0.0.1:${receiver.port}`;
  }

  const post = (base: string, body: string, headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` }, path = '/alertmanager') =>
    fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

  it('queues a valid notification and says how many alerts it took', async () => {
    const base = await start();
    const body = JSON.stringify(webhookPayload([webhookAlert(), webhookAlert({ status: 'resolved', labels: { pod: 'api-7d9f8b6c4-abcde' } })]));
    const res = await post(base, body);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ accepted: 2 });
    expect(accepted).toHaveLength(1);
    expect(accepted[0]!.payload.alerts.map((a) => a.status)).toEqual(['firing', 'resolved']);
    expect(accepted[0]!.key).toMatch(/^[0-9a-f]{64}$/);
    expect(outcomes).toEqual(['accepted']);
    expect(alerts).toEqual([['firing', 1], ['resolved', 1]]);
  });

  it('gives the same key to the same notification delivered twice', async () => {
    const base = await start();
    const body = JSON.stringify(webhookPayload([webhookAlert()]));
    await post(base, body);
    await post(base, body);
    expect(accepted[0]!.key).toBe(accepted[1]!.key);
  });

  it.each([
    ['no Authorization header', {}],
    ['a wrong token', { authorization: 'Bearer wrong-token-0123456789' }],
    ['the token as Basic credentials', { authorization: `Basic ${TOKEN}` }],
  ])('refuses %s with 401 and records nothing', async (_name, headers) => {
    const base = await start();
    const res = await post(base, JSON.stringify(webhookPayload([webhookAlert()])), headers);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect(accepted).toEqual([]);
    expect(alerts).toEqual([]);
    expect(outcomes).toEqual(['unauthorized']);
  });

  it('checks the token before reading a malformed body', async () => {
    const base = await start();
    expect((await post(base, '{not json', {})).status).toBe(401);
  });

  it.each([
    ['not JSON', '{"version": "4", ', /^invalid JSON: /],
    ['another payload version', JSON.stringify({ ...webhookPayload([webhookAlert()]), version: '3' }), /invalid Alertmanager payload: version: must be "4"/],
    ['an alert without a name', JSON.stringify(webhookPayload([webhookAlert({ labels: { alertname: '' } })])), /alerts\.0\.labels\.alertname/],
  ])('refuses %s with 400 and the reason', async (_name, body, reason) => {
    const base = await start();
    const res = await post(base, body);
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(reason);
    expect(accepted).toEqual([]);
    expect(outcomes).toEqual(['invalid']);
  });

  it('refuses a body over the limit with 413, declared or streamed', async () => {
    const base = await start({ maxBodyBytes: 4096 });
    const big = JSON.stringify(webhookPayload(Array.from({ length: 20 }, () => webhookAlert())));
    expect(big.length).toBeGreaterThan(4096);
    const declared = await post(base, big);
    expect(declared.status).toBe(413);
    expect(await declared.text()).toContain('at most 4096 bytes');
    // Chunked: no content-length, the limit is enforced while reading.
    const stream = new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode(big)); c.close(); } });
    const chunked = await fetch(`${base}/alertmanager`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: stream, duplex: 'half' } as RequestInit);
    expect(chunked.status).toBe(413);
    expect(accepted).toEqual([]);
    expect(outcomes).toEqual(['too_large', 'too_large']);
  });

  it('answers 503 when the notification cannot be queued, so Alertmanager retries', async () => {
    const base = await start({ failQueue: true });
    const res = await post(base, JSON.stringify(webhookPayload([webhookAlert()])));
    expect(res.status).toBe(503);
    expect(outcomes).toEqual(['unavailable']);
  });

  it('answers every other path with 404 and other methods with 405, whatever the body', async () => {
    const base = await start();
    expect((await post(base, 'x'.repeat(10_000), {}, '/slack/events')).status).toBe(404);
    expect((await fetch(`${base}/`)).status).toBe(404);
    expect((await fetch(`${base}/alertmanager/extra`, { method: 'PUT', body: '{}' })).status).toBe(404);
    const get = await fetch(`${base}/alertmanager`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect(outcomes).toEqual(['not_found', 'not_found', 'not_found', 'method_not_allowed']);
  });
});
