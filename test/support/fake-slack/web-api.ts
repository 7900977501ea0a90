// Slack's Web API methods the bot uses, answered in Slack's shapes and backed by in-memory state.
// Every call is recorded; a test can program errors, rate limits and odd statuses per method.
import { EventEmitter } from 'node:events';
import { validateBlocks, validateMessage } from './block-limits.ts';
import type { ApiCall, EphemeralMessage, FakeChannel, FakeSlackIdentity, FakeUser, Failure, StoredMessage } from './types.ts';

export interface ApiReply {
  status: number;
  headers?: Record<string, string>;
  body: Record<string, unknown> | string;
}

type Args = Record<string, unknown>;
type Handler = (args: Args) => Record<string, unknown>;

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

class SlackError extends Error {
  readonly extra: Record<string, unknown>;
  constructor(error: string, extra: Record<string, unknown> = {}) {
    super(error);
    this.extra = extra;
  }
}

/** The bot scopes manifests/slack-app.yaml asks for: what an installed app's token has. */
export const DEFAULT_BOT_SCOPES = ['commands', 'chat:write', 'channels:history', 'groups:history', 'users:read'];

/** The scope each method needs, as Slack checks it (history scope by channel type). */
function neededScope(method: string, args: Args, channels: Map<string, FakeChannel>): string | undefined {
  switch (method) {
    case 'chat.postMessage':
    case 'chat.update':
    case 'chat.postEphemeral':
      return 'chat:write';
    case 'users.info':
      return 'users:read';
    case 'conversations.history':
    case 'conversations.replies': {
      const id = str(args.channel) ?? '';
      return id.startsWith('G') || channels.get(id)?.private ? 'groups:history' : 'channels:history';
    }
    default:
      return undefined;
  }
}

export class FakeWebApi {
  readonly identity: FakeSlackIdentity;
  /** Scopes of the bot token, sent in x-oauth-scopes and enforced per method (missing_scope). */
  scopes: string[] = [...DEFAULT_BOT_SCOPES];
  /** Tokens revoked (app uninstalled, token rotated): every call with one answers token_revoked. */
  readonly revoked = new Set<string>();
  readonly calls: ApiCall[] = [];
  readonly channels = new Map<string, FakeChannel>();
  readonly users = new Map<string, FakeUser>();
  readonly messages = new Map<string, StoredMessage[]>();
  readonly ephemerals: EphemeralMessage[] = [];
  readonly views: Array<Record<string, unknown>> = [];
  readonly events = new EventEmitter();
  readonly #failures = new Map<string, Failure[]>();
  readonly #handlers: Record<string, Handler>;
  #clock = 1_741_079_000;
  #seq = 0;
  /** Supplies the ws:// URL for apps.connections.open. */
  openSocketUrl: () => string = () => {
    throw new SlackError('not_allowed_token_type');
  };

  constructor(identity: FakeSlackIdentity) {
    this.identity = identity;
    this.#handlers = {
      'api.test': (a) => ({ args: a }),
      'auth.test': () => ({
        url: `https://${identity.teamDomain}.slack.com/`,
        team: 'Fake Workspace',
        user: 'sre-bot',
        team_id: identity.teamId,
        user_id: identity.botUserId,
        bot_id: identity.botId,
        is_enterprise_install: false,
      }),
      'chat.postMessage': (a) => this.#postMessage(a),
      'chat.update': (a) => this.#update(a),
      'chat.postEphemeral': (a) => this.#postEphemeral(a),
      'views.open': (a) => this.#viewsOpen(a),
      'users.info': (a) => this.#usersInfo(a),
      'conversations.replies': (a) => this.#replies(a),
      'conversations.history': (a) => this.#history(a),
      'apps.connections.open': () => ({ url: this.openSocketUrl() }),
    };
  }

  failNext(method: string, failure: Failure, times = 1): void {
    const list = this.#failures.get(method) ?? [];
    for (let i = 0; i < times; i++) list.push(failure);
    this.#failures.set(method, list);
  }

  /** A Slack-style ts, strictly increasing. */
  nextTs(): string {
    this.#seq++;
    return `${this.#clock + this.#seq}.${String(this.#seq).padStart(6, '0')}`;
  }

  /** Puts a message from a person (or another bot) into a channel, as if typed in Slack. */
  addUserMessage(m: { channel: string; user: string; text: string; thread_ts?: string; bot_id?: string }): StoredMessage {
    return this.#store({ channel: m.channel, ts: this.nextTs(), text: m.text, user: m.user, ...(m.bot_id ? { bot_id: m.bot_id } : {}), ...(m.thread_ts ? { thread_ts: m.thread_ts } : {}), history: [] });
  }

  handle(method: string, args: Args, auth: { authorization?: string; contentType?: string }): ApiReply {
    const bearer = /^Bearer (.+)$/.exec(auth.authorization ?? '')?.[1];
    const token = bearer ?? str(args.token);
    const reply = this.#answer(method, args, token);
    const call: ApiCall = {
      method,
      args,
      ...(auth.authorization ? { authorization: auth.authorization } : {}),
      ...(token ? { token } : {}),
      ...(auth.contentType ? { contentType: auth.contentType } : {}),
      at: Date.now(),
      status: reply.status,
      response: typeof reply.body === 'string' ? { raw: reply.body } : reply.body,
    };
    this.calls.push(call);
    this.events.emit('call', call);
    return reply;
  }

  #answer(method: string, args: Args, token: string | undefined): ApiReply {
    const handler = this.#handlers[method];
    if (!handler) return { status: 200, body: { ok: false, error: 'unknown_method' } };
    if (!token) return { status: 200, body: { ok: false, error: 'not_authed' } };
    if (this.revoked.has(token)) return { status: 200, body: { ok: false, error: 'token_revoked' } };
    const expected = method === 'apps.connections.open' ? this.identity.appToken : this.identity.botToken;
    if (token !== expected) {
      const wrongKind = method === 'apps.connections.open' ? token.startsWith('xoxb-') : token.startsWith('xapp-');
      return { status: 200, body: { ok: false, error: wrongKind ? 'not_allowed_token_type' : 'invalid_auth' } };
    }
    // Slack names a bot token's scopes on every answer to it.
    const headers = token === this.identity.botToken ? { 'x-oauth-scopes': this.scopes.join(',') } : undefined;
    const withHeaders = (reply: ApiReply): ApiReply => (headers ? { ...reply, headers: { ...headers, ...reply.headers } } : reply);
    const needed = token === this.identity.botToken ? neededScope(method, args, this.channels) : undefined;
    if (needed && !this.scopes.includes(needed)) {
      return withHeaders({ status: 200, body: { ok: false, error: 'missing_scope', needed, provided: this.scopes.join(',') } });
    }
    const failure = this.#failures.get(method)?.shift();
    if (failure !== undefined) return withHeaders(failureReply(failure));
    try {
      return withHeaders({ status: 200, body: { ok: true, ...handler(args) } });
    } catch (err) {
      if (err instanceof SlackError) return withHeaders({ status: 200, body: { ok: false, error: err.message, ...err.extra } });
      throw err;
    }
  }

  #channel(id: unknown): FakeChannel {
    const key = str(id);
    const ch = key ? (this.channels.get(key) ?? [...this.channels.values()].find((c) => `#${c.name}` === key || c.name === key)) : undefined;
    if (!ch) throw new SlackError('channel_not_found');
    return ch;
  }

  #writableChannel(id: unknown): FakeChannel {
    const ch = this.#channel(id);
    if (!ch.member) throw new SlackError('not_in_channel');
    return ch;
  }

  #checkMessage(args: Args): void {
    const problem = validateMessage({ text: args.text, blocks: args.blocks });
    if (problem) throw new SlackError(problem.error, { errors: problem.errors, response_metadata: { messages: problem.errors.map((e) => `[ERROR] ${e}`) } });
  }

  #store(m: StoredMessage): StoredMessage {
    const list = this.messages.get(m.channel) ?? [];
    list.push(m);
    this.messages.set(m.channel, list);
    if (m.thread_ts && m.thread_ts !== m.ts) {
      const parent = list.find((p) => p.ts === m.thread_ts);
      if (parent) {
        parent.thread_ts = parent.ts;
        parent.reply_count = (parent.reply_count ?? 0) + 1;
      }
    }
    this.events.emit('message', m);
    return m;
  }

  #wire(m: StoredMessage): Record<string, unknown> {
    return {
      type: 'message',
      ts: m.ts,
      text: m.text ?? '',
      ...(m.user ? { user: m.user } : {}),
      ...(m.bot_id ? { bot_id: m.bot_id, app_id: this.identity.appId } : {}),
      ...(m.blocks ? { blocks: m.blocks } : {}),
      ...(m.thread_ts ? { thread_ts: m.thread_ts } : {}),
      ...(m.reply_count ? { reply_count: m.reply_count } : {}),
      ...(m.edited ? { edited: m.edited } : {}),
      team: this.identity.teamId,
    };
  }

  #postMessage(args: Args): Record<string, unknown> {
    const ch = this.#writableChannel(args.channel);
    this.#checkMessage(args);
    const threadTs = str(args.thread_ts);
    const m = this.#store({
      channel: ch.id,
      ts: this.nextTs(),
      ...(str(args.text) ? { text: str(args.text) } : {}),
      ...(Array.isArray(args.blocks) ? { blocks: args.blocks } : {}),
      ...(threadTs ? { thread_ts: threadTs } : {}),
      user: this.identity.botUserId,
      bot_id: this.identity.botId,
      history: [],
    });
    return { channel: ch.id, ts: m.ts, message: this.#wire(m) };
  }

  #update(args: Args): Record<string, unknown> {
    const ch = this.#channel(args.channel);
    const m = this.messages.get(ch.id)?.find((x) => x.ts === args.ts);
    if (!m) throw new SlackError('message_not_found');
    if (m.bot_id !== this.identity.botId) throw new SlackError('cant_update_message');
    this.#checkMessage({ text: args.text ?? m.text, blocks: args.blocks });
    m.history.push({ ...(m.text !== undefined ? { text: m.text } : {}), ...(m.blocks ? { blocks: m.blocks } : {}) });
    if (str(args.text)) m.text = str(args.text);
    if (Array.isArray(args.blocks)) m.blocks = args.blocks;
    m.edited = { user: this.identity.botUserId, ts: this.nextTs() };
    this.events.emit('update', m);
    return { channel: ch.id, ts: m.ts, text: m.text ?? '', message: this.#wire(m) };
  }

  #postEphemeral(args: Args): Record<string, unknown> {
    const ch = this.#writableChannel(args.channel);
    const user = str(args.user);
    if (!user || !this.users.has(user)) throw new SlackError('user_not_in_channel');
    this.#checkMessage(args);
    const e: EphemeralMessage = {
      channel: ch.id,
      user,
      message_ts: this.nextTs(),
      ...(str(args.text) ? { text: str(args.text) } : {}),
      ...(Array.isArray(args.blocks) ? { blocks: args.blocks } : {}),
      ...(str(args.thread_ts) ? { thread_ts: str(args.thread_ts) } : {}),
    };
    this.ephemerals.push(e);
    this.events.emit('ephemeral', e);
    return { message_ts: e.message_ts };
  }

  #viewsOpen(args: Args): Record<string, unknown> {
    if (!str(args.trigger_id)) throw new SlackError('invalid_arguments');
    const view = args.view;
    if (typeof view !== 'object' || view === null) throw new SlackError('invalid_arguments');
    const v = view as Record<string, unknown>;
    const errors = validateBlocks(v.blocks ?? [], { surface: 'modal' });
    if (errors.length) throw new SlackError('invalid_arguments', { response_metadata: { messages: errors.map((e) => `[ERROR] ${e}`) } });
    const opened = { id: `V0${String(this.views.length + 1).padStart(8, '0')}`, team_id: this.identity.teamId, app_id: this.identity.appId, ...v };
    this.views.push(opened);
    return { view: opened };
  }

  #usersInfo(args: Args): Record<string, unknown> {
    const u = this.users.get(str(args.user) ?? '');
    if (!u) throw new SlackError('user_not_found');
    return {
      user: {
        id: u.id,
        team_id: this.identity.teamId,
        name: u.name,
        real_name: u.real_name ?? u.name,
        is_bot: u.is_bot ?? false,
        deleted: u.deleted ?? false,
        tz: u.tz ?? 'Europe/Paris',
        profile: { display_name: u.display_name ?? u.name, real_name: u.real_name ?? u.name },
      },
    };
  }

  #replies(args: Args): Record<string, unknown> {
    const ch = this.#channel(args.channel);
    const ts = str(args.ts);
    const list = this.messages.get(ch.id) ?? [];
    const parent = list.find((m) => m.ts === ts);
    if (!parent) throw new SlackError('thread_not_found');
    const thread = [parent, ...list.filter((m) => m.thread_ts === ts && m.ts !== ts)].sort((a, b) => Number(a.ts) - Number(b.ts));
    const limit = Math.max(1, Math.min(1000, Number(args.limit ?? 1000) || 1000));
    const start = Number(str(args.cursor)?.replace(/^cursor_/, '') ?? 0);
    const page = thread.slice(start, start + limit);
    const more = start + limit < thread.length;
    return { messages: page.map((m) => this.#wire(m)), has_more: more, response_metadata: { next_cursor: more ? `cursor_${start + limit}` : '' } };
  }
  /**
   * Newest first, like Slack, `limit` per page with an opaque `cursor` for the next one, within
   * `oldest`/`latest` when given; a channel the bot was not invited to answers not_in_channel.
   */
  #history(args: Args): Record<string, unknown> {
    const ch = this.#writableChannel(args.channel);
    const oldest = Number(str(args.oldest) ?? '0');
    const latest = str(args.latest) ? Number(str(args.latest)) : Infinity;
    const top = (this.messages.get(ch.id) ?? [])
      .filter((m) => !m.thread_ts || m.thread_ts === m.ts)
      .filter((m) => Number(m.ts) > oldest && Number(m.ts) < latest)
      .reverse();
    const limit = Math.max(1, Math.min(999, Number(args.limit ?? 100) || 100));
    const cursor = str(args.cursor);
    const start = cursor ? Number(/^dGVhbTpD(\d+)$/.exec(cursor)?.[1] ?? NaN) : 0;
    if (Number.isNaN(start)) throw new SlackError('invalid_cursor');
    const page = top.slice(start, start + limit);
    const more = start + limit < top.length;
    return { messages: page.map((m) => this.#wire(m)), has_more: more, pin_count: 0, response_metadata: { next_cursor: more ? `dGVhbTpD${start + limit}` : '' } };
  }

}

function failureReply(f: Failure): ApiReply {
  if (typeof f === 'string') return { status: 200, body: { ok: false, error: f } };
  if ('error' in f) return { status: 200, body: { ok: false, error: f.error, ...f.extra } };
  if (f.status === 429 && 'retryAfter' in f) return { status: 429, headers: { 'retry-after': String(f.retryAfter) }, body: { ok: false, error: 'ratelimited' } };
  return { status: f.status, body: 'body' in f && f.body !== undefined ? f.body : `fake Slack: HTTP ${f.status}` };
}
