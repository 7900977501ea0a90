// Delivering payloads to an app's /slack/events the way Slack does over HTTP, signed (or not).
import { encodePayload, type InboundPayload } from './payloads.ts';
import { slackSignature } from './signer.ts';

export interface DeliverOptions {
  signingSecret: string;
  /** valid (default), forged (signed with another secret), omit (no signature headers). */
  signature?: 'valid' | 'forged' | 'omit';
  /** Request timestamp in seconds; defaults to now. */
  timestampSec?: number;
  /** Shortcut for a timestamp this many seconds in the past (Bolt refuses > 300). */
  staleBySec?: number;
  retryNum?: number;
  retryReason?: string;
  /** Override the exact content type (e.g. to add "; charset=utf-8"). */
  contentType?: string;
}

export interface AppResponse {
  status: number;
  headers: Headers;
  text: string;
  json?: unknown;
}

/** POSTs a payload to `eventsUrl` (e.g. http://127.0.0.1:P/slack/events). */
export async function deliver(eventsUrl: string, payload: InboundPayload | { rawBody: string; contentType: string }, opts: DeliverOptions): Promise<AppResponse> {
  const { rawBody, contentType } = 'envelopeType' in payload ? encodePayload(payload) : payload;
  const ts = opts.timestampSec ?? Math.floor(Date.now() / 1000) - (opts.staleBySec ?? 0);
  const headers: Record<string, string> = { 'content-type': opts.contentType ?? contentType };
  const mode = opts.signature ?? 'valid';
  if (mode !== 'omit') {
    headers['x-slack-request-timestamp'] = String(ts);
    headers['x-slack-signature'] = slackSignature(mode === 'forged' ? `${opts.signingSecret}-forged` : opts.signingSecret, ts, rawBody);
  }
  if (opts.retryNum !== undefined) {
    headers['x-slack-retry-num'] = String(opts.retryNum);
    headers['x-slack-retry-reason'] = opts.retryReason ?? 'http_timeout';
  }
  const res = await fetch(eventsUrl, { method: 'POST', headers, body: rawBody });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, ...(json !== undefined ? { json } : {}) };
}
