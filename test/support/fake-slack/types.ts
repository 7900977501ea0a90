// Shapes shared by the fake Slack's parts.

/** Who the fake workspace, app and bot are; tokens the fake accepts. */
export interface FakeSlackIdentity {
  teamId: string;
  teamDomain: string;
  appId: string;
  botUserId: string;
  botId: string;
  botToken: string;
  appToken: string;
  signingSecret: string;
}

export interface FakeChannel {
  id: string;
  name: string;
  /** Whether the bot was invited; posting elsewhere fails with not_in_channel. */
  member: boolean;
  /** A private channel: reading its history needs groups:history. */
  private?: boolean;
}

export interface FakeUser {
  id: string;
  name: string;
  real_name?: string;
  /** The profile's display name; the handle (`name`) when not set. */
  display_name?: string;
  is_bot?: boolean;
  /** A deactivated account. */
  deleted?: boolean;
  tz?: string;
}

/** One Web API request as the fake received it. */
export interface ApiCall {
  method: string;
  /** Form or JSON fields; blocks/attachments/view/metadata JSON-decoded. */
  args: Record<string, unknown>;
  /** The raw Authorization header, if any. */
  authorization?: string;
  /** The token used (Bearer header or `token` field). */
  token?: string;
  contentType?: string;
  /** When the fake received it (Date.now()). */
  at: number;
  /** What the fake answered. */
  status: number;
  response: Record<string, unknown>;
}

export interface StoredMessage {
  channel: string;
  ts: string;
  thread_ts?: string;
  text?: string;
  blocks?: unknown[];
  user?: string;
  bot_id?: string;
  edited?: { user: string; ts: string };
  reply_count?: number;
  /** Every update applied through chat.update, oldest first. */
  history: Array<{ text?: string; blocks?: unknown[] }>;
}

export interface EphemeralMessage {
  channel: string;
  user: string;
  text?: string;
  blocks?: unknown[];
  thread_ts?: string;
  message_ts: string;
}

/** A failure a test programs for the next call(s) of a method. */
export type Failure =
  | string
  | { error: string; extra?: Record<string, unknown> }
  | { status: 429; retryAfter: number }
  | { status: number; body?: string };

/** What an app POSTed to a response_url (Bolt's respond()). */
export interface ResponsePost {
  id: string;
  url: string;
  body: Record<string, unknown>;
}
