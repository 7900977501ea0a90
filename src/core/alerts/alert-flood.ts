// Bounding what one Alertmanager notification can open: a flood (a node going down, a bad
// rollout) arrives as hundreds of alerts at once. The most severe few open incidents of their
// own, each analyzed and posted; the rest are folded into one summary message instead of a
// burst of messages, and stay folded while Alertmanager keeps re-sending them.

const SEVERITY_RANK: Readonly<Record<string, number>> = { critical: 0, page: 0, error: 1, high: 1, warning: 2, medium: 2, info: 3, low: 3 };
const rank = (severity: string | undefined) => SEVERITY_RANK[(severity ?? '').toLowerCase()] ?? 4;

export interface FloodCandidate {
  fingerprint: string;
  severity: string | undefined;
  startsAt: string;
}

/** Most severe first, then the oldest, then by fingerprint: the same alerts win on every re-send. */
export function floodOrder(a: FloodCandidate, b: FloodCandidate): number {
  return rank(a.severity) - rank(b.severity) || a.startsAt.localeCompare(b.startsAt) || a.fingerprint.localeCompare(b.fingerprint);
}

/** Splits the new alert incidents of one notification into those opened and those folded. */
export function planAlertFlood<T extends FloodCandidate>(candidates: readonly T[], maxNew: number): { open: T[]; fold: T[] } {
  const ordered = [...candidates].sort(floodOrder);
  return { open: ordered.slice(0, maxNew), fold: ordered.slice(maxNew) };
}
