// One read shared by every caller for a while: an unschedulable pod is re-detected at each of
// its watch events, and a burst of pending pods would otherwise list every node once each.
// A failed read is not kept, so the next caller asks again.

export function sharedRead<T>(read: () => Promise<T>, ttlMs: number, now: () => number = Date.now): () => Promise<T> {
  let kept: { at: number; value: Promise<T> } | undefined;
  return () => {
    const at = now();
    if (kept && at - kept.at < ttlMs) return kept.value;
    const entry = { at, value: read() };
    kept = entry;
    entry.value.catch(() => {
      if (kept === entry) kept = undefined;
    });
    return entry.value;
  };
}
