// Polls until a check passes; fails with the last reason once the deadline is reached. A check
// that throws ends the wait at once (e.g. the process being waited for has exited).
export async function waitUntil(
  what: string,
  check: () => Promise<true | string>,
  { timeoutMs = 60_000, intervalMs = 100 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const result = await check();
    if (result === true) return;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}: ${result}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** The message of an expected failure while polling (connection refused...), as a reason to retry. */
export function retryReason(err: unknown): string {
  return err instanceof Error ? `${err.message}${err.cause instanceof Error ? `: ${err.cause.message}` : ''}` : String(err);
}
