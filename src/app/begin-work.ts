// Starting the work that needs the API server (namespaces, scan schedules, the pod watch) without
// ending the process when it does not answer at start: the first attempt runs at once; after a
// failure the agent keeps serving (health, metrics, Slack), reports why on /readyz, and tries again
// with capped exponential backoff until an attempt succeeds or the agent stops.
// Redis is not waited for this way: BullMQ's Queue holds every command until its connection's
// first 'ready', so with Redis down at start an enqueue from /sre scan would hang instead of
// failing fast as it does in a later outage. A Redis unreachable at start still fails the start
// (store_unavailable), and the restart policy (Deployment, compose) tries again.
import { setTimeout as sleep } from 'node:timers/promises';
import { isAppError } from '../core/errors.ts';
import { backoffDelay, type BackoffRange } from '../adapters/kubernetes/watch-backoff.ts';
import type { Logger } from '../ports.ts';

export interface WorkStart {
  /** True once an attempt succeeded. */
  readonly begun: boolean;
  /** Why work has not begun yet (the last attempt's error), for /readyz. */
  readonly waiting: string | undefined;
  /** Ends the retries and waits for an attempt in progress. */
  stop(): Promise<void>;
}

export interface BeginWorkOptions {
  logger: Logger;
  /** Delay between attempts: doubles from min up to max. Default 1 s to 30 s. */
  backoffMs?: BackoffRange;
}

const DEFAULT_BACKOFF: BackoffRange = { min: 1_000, max: 30_000 };

/**
 * Runs `attempt` (which must be safe to run again after a failure) until it succeeds. Resolves
 * after the first attempt, whatever its outcome; `attempt` is told when the agent is stopping.
 */
export async function beginWork(attempt: (stopping: () => boolean) => Promise<void>, opts: BeginWorkOptions): Promise<WorkStart> {
  const range = opts.backoffMs ?? DEFAULT_BACKOFF;
  const stopSignal = new AbortController();
  const stopping = () => stopSignal.signal.aborted;
  let begun = false;
  let waiting: string | undefined;
  let lastError: unknown;

  const once = async (n: number): Promise<boolean> => {
    try {
      await attempt(stopping);
      begun = !stopping();
      waiting = undefined;
      if (n > 1 && begun) opts.logger.info({ attempt: n }, 'the API server answers: scans and the pod watch have begun');
      return true;
    } catch (err) {
      lastError = err;
      const code = isAppError(err) ? err.code : undefined;
      waiting = `${code ? `${code}: ` : ''}${(err instanceof Error ? err.message : String(err)).split('\n')[0]}`;
      return false;
    }
  };

  let loop: Promise<void> = Promise.resolve();
  if (!(await once(1))) {
    loop = (async () => {
      for (let n = 2; !stopping(); n++) {
        const delayMs = backoffDelay(n - 2, range);
        // Refused by RBAC is a setup problem (fixed without a restart, but by a human): an error.
        const fields = { attempt: n - 1, retryInMs: delayMs, reason: waiting };
        const msg = `cannot begin work yet (${waiting}); trying again in ${delayMs} ms`;
        if (isAppError(lastError, 'k8s_forbidden')) opts.logger.error(fields, msg);
        else opts.logger.warn(fields, msg);
        await sleep(delayMs, undefined, { signal: stopSignal.signal }).catch(() => {});
        if (stopping() || (await once(n))) return;
      }
    })();
  }

  return {
    get begun() {
      return begun;
    },
    get waiting() {
      return waiting;
    },
    async stop() {
      stopSignal.abort();
      await loop;
    },
  };
}
