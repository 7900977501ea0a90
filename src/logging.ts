// Structured JSON logs (pino). Secrets never reach a log line: known secret fields are redacted.
import { pino } from 'pino';
import type { Logger } from './ports.ts';

const REDACT_PATHS = [
  '*.token', '*.botToken', '*.appToken', '*.signingSecret', '*.password', '*.authorization',
  'token', 'botToken', 'appToken', 'signingSecret', 'password', 'authorization', 'headers.authorization',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const options = { level, base: { service: 'kube-ai-sre-agent' }, redact: { paths: REDACT_PATHS, censor: '[redacted]' } };
  return destination ? pino(options, destination) : pino(options);
}

/** A logger that drops everything; for tests and the CLI's quiet mode. */
export const silentLogger: Logger = createLogger('silent');
