// Every request to the Slack HTTP port gets an answer, before Bolt sees anything it cannot answer:
// - A path other than the events endpoint is answered 404, and a method other than POST on the
//   endpoint 405, whatever the body. (Bolt throws for unknown routes; once a body has been buffered
//   here that throw would land in a detached promise and the request would never be answered.)
// - Bolt's HTTP receiver reads `body.ssl_check` from the parsed body in a detached promise: a body
//   that parses to null (`payload=null`, or a JSON `null`) rejects it unhandled, which ends the
//   process, and the request never gets an answer. Slack only ever sends objects, so anything else
//   is answered 400 here. The body is buffered with Bolt's own limit and handed on already read
//   (Bolt reuses a buffered body).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse } from 'node:querystring';
import { HTTPModuleFunctions, type HTTPReceiver } from '@slack/bolt';
import type { Logger } from '../../ports.ts';

/** What Bolt will parse the body into is an object (or unparseable, which Bolt answers itself). */
export function parsesToObject(raw: string, contentType: string | undefined): boolean {
  let value: unknown;
  try {
    if (contentType === 'application/x-www-form-urlencoded') {
      const form = parse(raw);
      if (typeof form.payload !== 'string') return true;
      value = JSON.parse(form.payload);
    } else {
      value = JSON.parse(raw);
    }
  } catch {
    return true;
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The request's path, or undefined when the request target cannot be parsed. */
function pathOf(url: string | undefined): string | undefined {
  try {
    return new URL(url ?? '/', 'http://localhost').pathname;
  } catch {
    return undefined;
  }
}

function answer(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

export function guardRequestBody(receiver: HTTPReceiver, logger: Logger, endpoints: readonly string[]): void {
  const next = receiver.requestListener;
  /** Hands the request to Bolt; anything Bolt throws is answered here instead of being lost. */
  const toBolt = (req: IncomingMessage, res: ServerResponse): void => {
    try {
      next(req, res);
    } catch (err) {
      logger.error({ path: req.url, method: req.method, err: err instanceof Error ? err.message : String(err) }, 'Slack receiver failed on a request; answered 500');
      answer(res, 500, 'internal error\n');
    }
  };
  receiver.requestListener = (req: IncomingMessage, res: ServerResponse): void => {
    const path = pathOf(req.url);
    if (path === undefined) {
      logger.warn({ method: req.method }, 'Slack port: request target could not be parsed; answered 400');
      answer(res, 400, 'bad request\n');
      return;
    }
    if (!endpoints.includes(path)) {
      logger.info({ path, method: req.method }, 'Slack port: unknown path; answered 404');
      answer(res, 404, 'not found\n');
      return;
    }
    if (req.method !== 'POST') {
      answer(res, 405, 'method not allowed\n', { allow: 'POST' });
      return;
    }
    HTTPModuleFunctions.bufferIncomingMessage(req, HTTPModuleFunctions.defaultBodyLimit).then(
      (buffered) => {
        if (parsesToObject(buffered.rawBody.toString(), req.headers['content-type'])) {
          toBolt(buffered, res);
          return;
        }
        logger.warn({ path }, 'Slack request body is not an object; answered 400');
        HTTPModuleFunctions.buildNoBodyResponse(res, 400);
      },
      (err: unknown) => {
        const tooLarge = HTTPModuleFunctions.isRawBodyError(err) && (err as { statusCode?: number }).statusCode === 413;
        logger.warn({ path, err: err instanceof Error ? err.message : String(err) }, 'Slack request body could not be read');
        if (!res.headersSent) HTTPModuleFunctions.buildNoBodyResponse(res, tooLarge ? 413 : 400);
      },
    );
  };
}
