// Every request to the Slack HTTP port (PORT) gets an answer, whatever its path, method and body:
// 404 for unknown paths, 405 for other methods on /slack/events, and the endpoint itself keeps
// verifying signatures. Bolt's real receiver, the fake Slack and real Redis, as in production.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsesToObject } from '../../../src/adapters/slack/guard-request-body.ts';
import { startHarness, type Harness } from './harness.ts';

let h: Harness;
let base: URL;

beforeAll(async () => {
  h = await startHarness();
  base = new URL(h.eventsUrl);
});

afterAll(async () => {
  await h?.close();
});

/**
 * One raw HTTP request on its own connection. A request the server never answers fails the test
 * through the client-side abort (generous, so a slow machine does not fail a correct server).
 */
function send(method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}): Promise<{ status: number; allow?: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: base.hostname, port: base.port, method, path, headers: { connection: 'close', ...headers }, signal: AbortSignal.timeout(15_000) }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ...(typeof res.headers.allow === 'string' ? { allow: res.headers.allow } : {}) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const json = { 'content-type': 'application/json' };
const form = { 'content-type': 'application/x-www-form-urlencoded' };

describe('the Slack HTTP port answers every request', () => {
  it.each([
    ['POST', '/alertmanager', '{"version":"4","status":"firing","alerts":[]}', json],
    ['POST', '/', '', {}],
    ['POST', '/slack', 'payload=%7B%7D', form],
    ['POST', '/slack/events/extra', '{"type":"url_verification","challenge":"x"}', json],
    ['POST', '/slack/commands', 'command=%2Fsre&text=scan+demo', form],
    ['POST', '/other?x=1', 'null', json],
    ['POST', '/other', Buffer.alloc(5 * 1024 * 1024, 0x61), { 'content-type': 'application/octet-stream' }],
    ['GET', '/', undefined, {}],
    ['GET', '/healthz', undefined, {}],
    ['PUT', '/other', '{}', json],
    ['DELETE', '/x', undefined, {}],
    ['PATCH', '/slack/eventsx', 'x', {}],
    ['OPTIONS', '/anything', undefined, {}],
  ] as const)('%s %s → 404', async (method, path, body, headers) => {
    expect((await send(method, path, body, headers)).status).toBe(404);
  });

  it.each(['GET', 'PUT', 'DELETE', 'PATCH'])('%s /slack/events → 405 with Allow: POST', async (method) => {
    const res = await send(method, '/slack/events', method === 'GET' || method === 'DELETE' ? undefined : '{}', json);
    expect(res).toEqual({ status: 405, allow: 'POST' });
  });

  it('HEAD on an unknown path is answered too', async () => {
    expect((await send('HEAD', '/nothing-here')).status).toBe(404);
  });

  it('still refuses unsigned requests to /slack/events (with or without a query) and serves signed ones', async () => {
    expect((await send('POST', '/slack/events', 'command=%2Fsre&text=help', form)).status).toBe(401);
    expect((await send('POST', '/slack/events?retry=1', 'command=%2Fsre&text=help', form)).status).toBe(401);
    const res = await h.fake.deliver(h.eventsUrl, h.fake.payloads.slashCommand({ text: 'help' }));
    expect(res.status).toBe(200);
  });

  it('answers a burst of unknown-path POSTs at once and keeps serving', async () => {
    const statuses = await Promise.all(Array.from({ length: 30 }, (_, i) => send('POST', `/probe-${i}`, JSON.stringify({ i }), json)));
    expect(statuses.map((s) => s.status)).toEqual(Array(30).fill(404));
    const res = await h.fake.deliver(h.eventsUrl, h.fake.payloads.slashCommand({ text: 'help' }));
    expect(res.status).toBe(200);
  });
});

describe('parsesToObject', () => {
  it.each([
    ['{"type":"event_callback"}', 'application/json', true],
    ['null', 'application/json', false],
    ['[1]', 'application/json', false],
    ['payload=null', 'application/x-www-form-urlencoded', false],
    ['payload=%7B%7D', 'application/x-www-form-urlencoded', true],
    ['command=%2Fsre', 'application/x-www-form-urlencoded', true],
    ['{not json', 'application/json', true],
  ] as const)('%j (%s) → %s', (raw, type, expected) => {
    expect(parsesToObject(raw, type)).toBe(expected);
  });
});
