// A Logger port that keeps every entry (with the bindings of its child loggers) for assertions.
import type { Logger } from '../../src/ports.ts';

export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  msg: string | undefined;
  fields: Record<string, unknown>;
}

export interface RecordingLogger extends Logger {
  readonly entries: LogEntry[];
}

export function recordingLogger(entries: LogEntry[] = [], bindings: Record<string, unknown> = {}): RecordingLogger {
  const log = (level: LogEntry['level']) => (obj: Record<string, unknown>, msg?: string): void => {
    entries.push({ level, msg, fields: { ...bindings, ...obj } });
  };
  return {
    entries,
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    child: (more) => recordingLogger(entries, { ...bindings, ...more }),
  };
}
