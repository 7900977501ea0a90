// Starts a cluster binary with its output in a log file, and stops it by PID. A child still
// alive when this process exits or is terminated is killed, so an aborted run leaves nothing behind.
import { spawn } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import { onExitCleanup } from './exit-cleanup.ts';

export interface RunningProcess {
  name: string;
  pid: number;
  logFile: string;
  /** Resolves when the process has exited. */
  exited: Promise<number | null>;
  hasExited(): boolean;
  /** SIGTERM, then SIGKILL after graceMs; resolves once it is gone. */
  stop(graceMs?: number): Promise<void>;
  /** The last lines of its log, for error messages. */
  logTail(lines?: number): string;
}

export function startProcess(name: string, binary: string, args: string[], logFile: string): RunningProcess {
  const fd = openSync(logFile, 'a');
  const child = spawn(binary, args, { stdio: ['ignore', fd, fd] });
  closeSync(fd);
  if (child.pid === undefined) throw new Error(`${name} did not start (${binary})`);
  const pid = child.pid;
  const forget = onExitCleanup(() => process.kill(pid, 'SIGKILL'));
  let done = false;
  const exited = new Promise<number | null>((resolve) => {
    const finish = (code: number | null): void => {
      done = true;
      forget();
      resolve(code);
    };
    child.once('exit', finish);
    child.once('error', () => finish(null));
  });
  const logTail = (lines = 20): string => {
    try {
      return readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  };
  const stop = async (graceMs = 5_000): Promise<void> => {
    if (done) return;
    process.kill(pid, 'SIGTERM');
    const timer = setTimeout(() => {
      if (!done) process.kill(pid, 'SIGKILL');
    }, graceMs);
    await exited;
    clearTimeout(timer);
  };
  return { name, pid, logFile, exited, hasExited: () => done, stop, logTail };
}

/** Polls `url` (e.g. Prometheus's or Alertmanager's /-/ready) until it answers 2xx; fails with the log when the process exits or 60 s pass. */
export async function waitUntilReady(url: string, proc: RunningProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc.hasExited()) throw new Error(`${proc.name} exited before it was ready:\n${proc.logTail()}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${proc.name} was not ready within ${timeoutMs / 1000} s:\n${proc.logTail()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
