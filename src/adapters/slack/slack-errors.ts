// Web API failures as AppErrors with stable codes: `slack_rate_limited` for 429s, `slack_error`
// otherwise, Slack's own error string ("channel_not_found", "invalid_auth"...) in details.error.
import { AppError } from '../../core/errors.ts';

export type SlackErrorHook = (method: string, error: string) => void;

const RATE_LIMIT_TEXT = /rate limit was exceeded/i;

interface WebApiErrorShape {
  code?: unknown;
  data?: { error?: unknown };
  statusCode?: unknown;
  retryAfter?: unknown;
  message?: unknown;
}

export function toSlackAppError(method: string, err: unknown): AppError {
  if (err instanceof AppError) return err;
  const e = (typeof err === 'object' && err !== null ? err : {}) as WebApiErrorShape;
  const message = typeof e.message === 'string' ? e.message : String(err);
  const fail = (code: 'slack_error' | 'slack_rate_limited', error: string, extra: Record<string, unknown> = {}) =>
    new AppError(code, `Slack ${method} failed: ${error}`, { method, error, ...extra }, { cause: err });
  switch (e.code) {
    case 'slack_webapi_platform_error': {
      const error = typeof e.data?.error === 'string' ? e.data.error : 'unknown_error';
      return fail(error === 'ratelimited' ? 'slack_rate_limited' : 'slack_error', error);
    }
    case 'slack_webapi_rate_limited_error':
      return fail('slack_rate_limited', 'ratelimited', typeof e.retryAfter === 'number' ? { retryAfter: e.retryAfter } : {});
    case 'slack_webapi_http_error': {
      const status = typeof e.statusCode === 'number' ? e.statusCode : 0;
      return status === 429 ? fail('slack_rate_limited', 'ratelimited', { status }) : fail('slack_error', `http_${status}`, { status });
    }
    case 'slack_webapi_request_error':
      // With rejectRateLimitedCalls off the client retries 429s itself and, out of retries,
      // reports a request error naming the rate limit.
      if (RATE_LIMIT_TEXT.test(message)) return fail('slack_rate_limited', 'ratelimited');
      return fail('slack_error', 'request_failed');
    default:
      if (RATE_LIMIT_TEXT.test(message)) return fail('slack_rate_limited', 'ratelimited');
      return fail('slack_error', 'unknown_error', { detail: message.slice(0, 300) });
  }
}

/** Runs one Web API call; a failure is mapped, reported to the metrics hook, and thrown. */
export async function callSlack<T>(method: string, call: () => Promise<T>, onSlackError?: SlackErrorHook): Promise<T> {
  try {
    return await call();
  } catch (err) {
    const mapped = toSlackAppError(method, err);
    onSlackError?.(method, String(mapped.details?.error ?? 'unknown_error'));
    throw mapped;
  }
}
