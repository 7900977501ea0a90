// A fake Slack on a loopback port: Web API (/api/<method>), response_url capture
// (/response/<id>), Socket Mode (ws://…/socket-mode/link/) and helpers that deliver signed
// payloads to an app's /slack/events. Point Bolt at it with
// `clientOptions: { slackApiUrl: fake.apiUrl }`.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { parseArgs, readBody } from './body.ts';
import { deliver, type AppResponse, type DeliverOptions } from './http-mode.ts';
import { DEFAULT_CHANNEL, DEFAULT_USER, payloadBuilders, type InboundPayload, type PayloadBuilders } from './payloads.ts';
import { FakeSocketMode, type SendOptions, type SocketAck, type SocketModeControl } from './socket-mode.ts';
import type { ApiCall, EphemeralMessage, FakeChannel, FakeSlackIdentity, FakeUser, Failure, ResponsePost, StoredMessage } from './types.ts';
import { FakeWebApi } from './web-api.ts';
import { listenOnLoopback } from '../listen.ts';

export type * from './types.ts';
export type { InboundPayload, PayloadBuilders } from './payloads.ts';
export type { AppResponse, DeliverOptions } from './http-mode.ts';
export type { SocketAck, SendOptions } from './socket-mode.ts';
export { DEFAULT_CHANNEL, DEFAULT_USER, encodePayload } from './payloads.ts';
export { slackSignature, signedHeaders } from './signer.ts';
export { validateBlocks, validateMessage } from './block-limits.ts';
export { deliver } from './http-mode.ts';

export interface FakeSlackOptions {
  identity?: Partial<FakeSlackIdentity>;
  /** Channels the workspace has; default: #sre-incidents (bot invited) and #general (not invited). */
  channels?: FakeChannel[];
  /** Users users.info knows; default: alice, bob and carol. */
  users?: FakeUser[];
  /** How many POSTs a response_url takes (Slack: 5). */
  responseUrlUses?: number;
  /** Scopes of the bot token (x-oauth-scopes; methods needing another answer missing_scope); the app manifest's by default. */
  scopes?: string[];
}

export interface FakeSlack {
  readonly url: string;
  /** Base for `slackApiUrl` (ends with a slash). */
  readonly apiUrl: string;
  readonly identity: FakeSlackIdentity;
  readonly calls: readonly ApiCall[];
  callsTo(method: string): ApiCall[];
  /** Resolves with the first call (already made or future) of `method` that matches. */
  waitForCall(method: string, match?: (c: ApiCall) => boolean, timeoutMs?: number): Promise<ApiCall>;
  /** Programs the next `times` calls of `method` to fail: an error code, a 429 with Retry-After, or a bare HTTP status. */
  failNext(method: string, failure: Failure, times?: number): void;
  /** Revokes a token (app uninstalled, token rotated): every later call with it answers token_revoked. */
  revokeToken(token: string): void;
  addChannel(channel: FakeChannel): void;
  addUser(user: FakeUser): void;
  /** Every message in a channel (top level and replies), oldest first. */
  messages(channel: string): StoredMessage[];
  message(channel: string, ts: string): StoredMessage | undefined;
  /** Replies in a thread, without the parent. */
  threadReplies(channel: string, threadTs: string): StoredMessage[];
  /** Adds a person's message to a channel or thread (what they typed in Slack). */
  addUserMessage(m: { channel: string; user: string; text: string; thread_ts?: string; bot_id?: string }): StoredMessage;
  readonly ephemerals: readonly EphemeralMessage[];
  readonly views: readonly Record<string, unknown>[];
  newResponseUrl(): string;
  readonly responses: readonly ResponsePost[];
  waitForResponse(match?: (r: ResponsePost) => boolean, timeoutMs?: number): Promise<ResponsePost>;
  readonly payloads: PayloadBuilders;
  /** POSTs a payload, signed with this workspace's signing secret unless told otherwise. */
  deliver(eventsUrl: string, payload: InboundPayload, opts?: Omit<DeliverOptions, 'signingSecret'> & { signingSecret?: string }): Promise<AppResponse>;
  readonly socket: SocketModeControl & {
    /** Sends a payload in the envelope type that matches it. */
    sendPayload(payload: InboundPayload, opts?: SendOptions): Promise<SocketAck>;
  };
  close(): Promise<void>;
}

const DEFAULT_IDENTITY: FakeSlackIdentity = {
  teamId: 'T0FAKETEAM',
  teamDomain: 'fake-workspace',
  appId: 'A0FAKEAPP1',
  botUserId: 'U0SREBOT01',
  botId: 'B0SREBOT01',
  botToken: 'xoxb-1111-2222-fakebottoken',
  appToken: 'xapp-1-A0FAKEAPP1-3333-fakeapptoken',
  signingSecret: 'fake-signing-secret-0123456789abcdef',
};

const DEFAULT_USERS: FakeUser[] = [
  { id: DEFAULT_USER.id, name: DEFAULT_USER.name, real_name: 'Alice Martin', display_name: 'Alice M.' },
  { id: 'U0SREBOB', name: 'bob', real_name: 'Bob Chen' },
  { id: 'U0DEVCAROL', name: 'carol', real_name: 'Carol Diaz' },
];

function sendJson(res: ServerResponse, status: number, body: Record<string, unknown> | string, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/json; charset=utf-8', ...headers });
  res.end(text);
}

function waitFor<T>(what: string, find: () => T | undefined, subscribe: (cb: () => void) => () => void, timeoutMs: number): Promise<T> {
  const found = find();
  if (found !== undefined) return Promise.resolve(found);
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`fake Slack: timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    const unsubscribe = subscribe(() => {
      const hit = find();
      if (hit === undefined) return;
      clearTimeout(timer);
      unsubscribe();
      resolve(hit);
    });
  });
}

export async function startFakeSlack(opts: FakeSlackOptions = {}): Promise<FakeSlack> {
  const identity: FakeSlackIdentity = { ...DEFAULT_IDENTITY, ...opts.identity };
  const api = new FakeWebApi(identity);
  for (const c of opts.channels ?? [{ ...DEFAULT_CHANNEL, member: true }, { id: 'C0GENERAL', name: 'general', member: false }]) api.channels.set(c.id, c);
  for (const u of opts.users ?? DEFAULT_USERS) api.users.set(u.id, u);
  if (opts.scopes) api.scopes = [...opts.scopes];
  const socketMode = new FakeSocketMode(identity.appId);
  const responseUses = opts.responseUrlUses ?? 5;
  const responseUrls = new Map<string, number>();
  const responses: ResponsePost[] = [];

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => sendJson(res, 500, { ok: false, error: 'fatal_error', detail: String(err) }));
  });
  server.on('upgrade', (req, socket, head) => {
    if (!socketMode.handleUpgrade(req, socket, head)) socket.destroy();
  });
  const port = await listenOnLoopback(server);
  const url = `http://127.0.0.1:${port}`;
  api.openSocketUrl = () => socketMode.newUrl(`ws://127.0.0.1:${port}`);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const u = new URL(req.url ?? '/', url);
    const raw = await readBody(req);
    const contentType = req.headers['content-type'];
    if (u.pathname.startsWith('/api/')) {
      const method = u.pathname.slice('/api/'.length);
      let args: Record<string, unknown>;
      try {
        args = parseArgs(raw, contentType, u.searchParams);
      } catch {
        return sendJson(res, 200, { ok: false, error: 'invalid_json' });
      }
      const reply = api.handle(method, args, {
        ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
        ...(contentType ? { contentType } : {}),
      });
      return sendJson(res, reply.status, reply.body, reply.headers);
    }
    const response = /^\/response\/([\w-]+)$/.exec(u.pathname);
    if (response && req.method === 'POST') {
      const id = response[1]!;
      const used = responseUrls.get(id);
      if (used === undefined) return sendJson(res, 404, 'expired_url');
      if (used >= responseUses) return sendJson(res, 404, 'used_url');
      responseUrls.set(id, used + 1);
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        return sendJson(res, 400, 'invalid_payload');
      }
      responses.push({ id, url: `${url}/response/${id}`, body });
      api.events.emit('response');
      return sendJson(res, 200, { ok: true });
    }
    sendJson(res, 404, 'not_found');
  }

  const newResponseUrl = (): string => {
    const id = `${identity.teamId}-${randomBytes(8).toString('hex')}`;
    responseUrls.set(id, 0);
    return `${url}/response/${id}`;
  };

  const on = (event: string) => (cb: () => void) => {
    api.events.on(event, cb);
    return () => void api.events.off(event, cb);
  };

  const fake: FakeSlack = {
    url,
    apiUrl: `${url}/api/`,
    identity,
    calls: api.calls,
    callsTo: (method) => api.calls.filter((c) => c.method === method),
    waitForCall: (method, match = () => true, timeoutMs = 10_000) =>
      waitFor(`a ${method} call`, () => api.calls.find((c) => c.method === method && match(c)), on('call'), timeoutMs),
    failNext: (method, failure, times) => api.failNext(method, failure, times),
    revokeToken: (token) => void api.revoked.add(token),
    addChannel: (c) => void api.channels.set(c.id, c),
    addUser: (u) => void api.users.set(u.id, u),
    messages: (channel) => [...(api.messages.get(channel) ?? [])],
    message: (channel, ts) => api.messages.get(channel)?.find((m) => m.ts === ts),
    threadReplies: (channel, threadTs) => (api.messages.get(channel) ?? []).filter((m) => m.thread_ts === threadTs && m.ts !== threadTs),
    addUserMessage: (m) => api.addUserMessage(m),
    ephemerals: api.ephemerals,
    views: api.views,
    newResponseUrl,
    responses,
    waitForResponse: (match = () => true, timeoutMs = 10_000) => waitFor('a response_url POST', () => responses.find(match), on('response'), timeoutMs),
    payloads: payloadBuilders(identity, newResponseUrl),
    deliver: (eventsUrl, payload, o = {}) => deliver(eventsUrl, payload, { ...o, signingSecret: o.signingSecret ?? identity.signingSecret }),
    socket: Object.assign(socketMode, {
      sendPayload: (payload: InboundPayload, o?: SendOptions) => socketMode.send(payload.envelopeType, payload.body, o),
    }),
    close: async () => {
      await socketMode.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return fake;
}
