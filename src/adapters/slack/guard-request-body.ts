// Bolt's HTTP receiver reads `body.ssl_check` from the parsed body in a detached promise: a body
// that parses to null (`payload=null`, or a JSON `null`) rejects it unhandled, which ends the
// process, and the request never gets an answer. Slack only ever sends objects, so anything else
// is answered 400 here, before Bolt sees it. The body is buffered with Bolt's own limit and handed
// on already read (Bolt reuses a buffered body).
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

export function guardRequestBody(receiver: HTTPReceiver, logger: Logger): void {
  const next = receiver.requestListener;
  receiver.requestListener = (req: IncomingMessage, res: ServerResponse): void => {
    if (req.method !== 'POST') {
      next(req, res);
      return;
    }
    HTTPModuleFunctions.bufferIncomingMessage(req, HTTPModuleFunctions.defaultBodyLimit).then(
      (buffered) => {
        if (parsesToObject(buffered.rawBody.toString(), req.headers['content-type'])) {
          next(buffered, res);
          return;
        }
        logger.warn({ path: req.url }, 'Slack request body is not an object; answered 400');
        HTTPModuleFunctions.buildNoBodyResponse(res, 400);
      },
      (err: unknown) => {
        const tooLarge = HTTPModuleFunctions.isRawBodyError(err) && (err as { statusCode?: number }).statusCode === 413;
        logger.warn({ path: req.url, err: err instanceof Error ? err.message : String(err) }, 'Slack request body could not be read');
        if (!res.headersSent) HTTPModuleFunctions.buildNoBodyResponse(res, tooLarge ? 413 : 400);
      },
    );
  };
}
