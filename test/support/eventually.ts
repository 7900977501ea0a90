import { waitUntil } from './test-cluster/wait-until.ts';

/** Waits until `check` is true (polling; no wall-time assertion, just a generous deadline). */
export function eventually(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 30_000): Promise<void> {
  return waitUntil(what, async () => ((await check()) ? true : 'not yet'), { timeoutMs, intervalMs: 50 });
}
