// Bolt and its SDK clients log through our structured logger instead of the console.
import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from '../../ports.ts';

function text(parts: unknown[]): string {
  return parts
    .map((p) => (typeof p === 'string' ? p : p instanceof Error ? p.message : JSON.stringify(p)))
    .join(' ')
    .slice(0, 2000);
}

export function boltLogger(logger: Logger, level: LogLevel = LogLevel.INFO): BoltLogger {
  let current = level;
  let log = logger.child({ component: 'bolt' });
  const order = [LogLevel.DEBUG, LogLevel.INFO, LogLevel.WARN, LogLevel.ERROR];
  const enabled = (l: LogLevel) => order.indexOf(l) >= order.indexOf(current);
  return {
    debug: (...msg: unknown[]) => (enabled(LogLevel.DEBUG) ? log.debug({}, text(msg)) : undefined),
    info: (...msg: unknown[]) => (enabled(LogLevel.INFO) ? log.info({}, text(msg)) : undefined),
    warn: (...msg: unknown[]) => (enabled(LogLevel.WARN) ? log.warn({}, text(msg)) : undefined),
    error: (...msg: unknown[]) => (enabled(LogLevel.ERROR) ? log.error({}, text(msg)) : undefined),
    setLevel: (l: LogLevel) => {
      current = l;
    },
    getLevel: () => current,
    setName: (name: string) => {
      log = logger.child({ component: name });
    },
  };
}
