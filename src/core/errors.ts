// Stable error codes: callers branch on `code`, never on message text.
export const ERROR_CODES = [
  'config_invalid',
  'policy_invalid',
  'k8s_forbidden',
  'k8s_not_found',
  'k8s_unreachable',
  'k8s_gone',
  'k8s_error',
  'llm_timeout',
  'llm_unreachable',
  'llm_http_error',
  'llm_invalid_json',
  'llm_schema_mismatch',
  'llm_model_missing',
  'slack_error',
  'slack_rate_limited',
  'store_unavailable',
  'incident_not_found',
  'transition_refused',
  'input_invalid',
  'store_corrupt',
  'store_conflict',
  'prometheus_unreachable',
  'prometheus_timeout',
  'prometheus_error',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }
}

export function isAppError(err: unknown, code?: ErrorCode): err is AppError {
  return err instanceof AppError && (code === undefined || err.code === code);
}
