// The Alertmanager webhook receiver, on its own port (ALERTMANAGER_PORT) so it can be exposed to
// Alertmanager alone, apart from the probes and the Slack endpoint:
//   POST /alertmanager  Authorization: Bearer <ALERTMANAGER_TOKEN>, body: webhook payload version 4
//     200 {"accepted":N}   queued for processing (answered before any cluster read, LLM call or post)
//     400 <reason>         not JSON, or not Alertmanager's payload (the reason names the fields)
//     401                  missing or wrong token: nothing is read further, nothing recorded
//     413                  body larger than ALERTMANAGER_MAX_BODY_BYTES
//     503                  the queue (Redis) is unavailable: Alertmanager retries later
//   anything else: 404 (other paths) or 405 (other methods), always answered.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { AlertmanagerWebhookSchema, describeWebhookIssues, type AlertmanagerWebhook } from '../../core/alerts/webhook-payload.ts';
import type { Logger } from '../../ports.ts';
import { bearerMatches } from './bearer-token.ts';
import { listen } from './listen.ts';

export const ALERTMANAGER_PATH = '/alertmanager';

export type ReceiverOutcome = 'accepted' | 'unauthorized' | 'invalid' | 'too_large' | 'unavailable' | 'not_found' | 'method_not_allowed';

export interface AlertReceiverOptions {
  /** 0 picks a free port (tests). */
  port: number;
  host?: string;
  token: string;
  maxBodyBytes: number;
  logger: Logger;
  /** Queues a validated notification; `key` is a hash of its body. Throwing answers 503. */
  accept: (payload: AlertmanagerWebhook, key: string) => Promise<void>;
  /** Told of every request's outcome, and of the alerts of every accepted notification. */
  onRequest?: (outcome: ReceiverOutcome) => void;
  onAlerts?: (status: 'firing' | 'resolved', count: number) => void;
}

export interface AlertReceiver {
  port: number;
  close(): Promise<void>;
}

class TooLarge extends Error {}

export async function startAlertReceiver(opts: AlertReceiverOptions): Promise<AlertReceiver> {
  const logger = opts.logger.child({ component: 'alertmanager-receiver' });

  const answer = (res: ServerResponse, outcome: ReceiverOutcome, status: number, body: string, headers: Record<string, string> = {}) => {
    opts.onRequest?.(outcome);
    if (res.headersSent) return;
    res.writeHead(status, { 'content-type': status === 200 ? 'application/json' : 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store', ...headers });
    res.end(body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path !== ALERTMANAGER_PATH) return answer(res, 'not_found', 404, 'not found\n', { connection: 'close' });
    if (req.method !== 'POST') return answer(res, 'method_not_allowed', 405, 'method not allowed: POST an Alertmanager webhook payload\n', { allow: 'POST', connection: 'close' });
    // The token before the body: an unauthenticated sender never gets its body read or parsed.
    if (!bearerMatches(req.headers.authorization, opts.token)) {
      logger.warn({ remote: req.socket.remoteAddress, hasAuthorization: req.headers.authorization !== undefined }, 'Alertmanager webhook refused: missing or wrong bearer token');
      return answer(res, 'unauthorized', 401, 'unauthorized: send Authorization: Bearer <ALERTMANAGER_TOKEN>\n', { 'www-authenticate': 'Bearer', connection: 'close' });
    }
    let raw: Buffer;
    try {
      raw = await readBody(req, opts.maxBodyBytes);
    } catch (err) {
      if (!(err instanceof TooLarge)) throw err;
      logger.warn({ limit: opts.maxBodyBytes }, 'Alertmanager webhook refused: body too large');
      return answer(res, 'too_large', 413, `payload too large: at most ${opts.maxBodyBytes} bytes (ALERTMANAGER_MAX_BODY_BYTES)\n`, { connection: 'close' });
    }
    let json: unknown;
    try {
      json = JSON.parse(raw.toString('utf8'));
    } catch (err) {
      return answer(res, 'invalid', 400, `invalid JSON: ${(err as Error).message}\n`);
    }
    const parsed = AlertmanagerWebhookSchema.safeParse(json);
    if (!parsed.success) {
      const reason = describeWebhookIssues(parsed.error);
      logger.warn({ reason }, 'Alertmanager webhook refused: not a version 4 payload');
      return answer(res, 'invalid', 400, `invalid Alertmanager payload: ${reason}\n`);
    }
    const key = createHash('sha256').update(raw).digest('hex');
    try {
      await opts.accept(parsed.data, key);
    } catch (err) {
      logger.error({ err: (err as Error).message }, 'Alertmanager notification not queued; Alertmanager will retry');
      return answer(res, 'unavailable', 503, 'unavailable: the notification could not be queued; retry later\n', { 'retry-after': '5' });
    }
    const firing = parsed.data.alerts.filter((a) => a.status === 'firing').length;
    opts.onAlerts?.('firing', firing);
    opts.onAlerts?.('resolved', parsed.data.alerts.length - firing);
    return answer(res, 'accepted', 200, `${JSON.stringify({ accepted: parsed.data.alerts.length })}\n`);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      logger.error({ err: (err as Error).message }, 'Alertmanager webhook failed');
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
        res.end('internal error\n');
      } else {
        res.destroy();
      }
    });
  });
  // A request that never finishes sending its body cannot hold a socket forever.
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;

  const listening = await listen(server, opts.port, opts.host);
  server.on('error', (err) => logger.error({ err: err.message }, 'Alertmanager receiver error'));
  logger.info({ port: listening.port, path: ALERTMANAGER_PATH }, 'Alertmanager webhook receiver listening');
  return listening;
}

/** The whole body, or TooLarge as soon as it passes `max` bytes (a declared length is checked first). */
function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > max) {
    req.resume(); // drained, not kept: the answer comes at once
    return Promise.reject(new TooLarge());
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > max) {
        done = true;
        chunks.length = 0;
        req.resume();
        reject(new TooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!done) resolve(Buffer.concat(chunks));
    });
    req.on('error', (err) => {
      if (!done) reject(err);
    });
  });
}
