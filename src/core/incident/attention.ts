// Acknowledge and Mute: what incidents without a resource decision offer instead of Approve and
// Reject. Acknowledging says "someone is on it"; muting silences a fingerprint for a chosen time
// (no posts, no LLM calls) until it expires or the incident comes back in a new form (its
// analysis key changes). Pure: the use case stores, audits and authorises.
import type { Acknowledgement, IncidentReport, Mute } from '../model.ts';

export const MUTE_DURATIONS = { '1h': 60, '4h': 240, '24h': 1440, '7d': 10_080 } as const;
export type MuteDuration = keyof typeof MUTE_DURATIONS;

export function isMuteDuration(value: string): value is MuteDuration {
  return Object.hasOwn(MUTE_DURATIONS, value);
}

/** "4 hours", "7 days" for the words people read. */
export function describeMuteDuration(d: MuteDuration): string {
  const minutes = MUTE_DURATIONS[d];
  if (minutes < 1440) return `${minutes / 60} hour${minutes === 60 ? '' : 's'}`;
  return `${minutes / 1440} day${minutes === 1440 ? '' : 's'}`;
}

export function muteUntil(now: Date, d: MuteDuration): string {
  return new Date(now.getTime() + MUTE_DURATIONS[d] * 60_000).toISOString();
}

export function isMuted(mute: Pick<Mute, 'until'> | undefined, now: Date): boolean {
  return mute !== undefined && Date.parse(mute.until) > now.getTime();
}

export type AttentionResult = { ok: true; report: IncidentReport } | { ok: false; reason: string };

export function acknowledge(report: IncidentReport, who: Acknowledgement): AttentionResult {
  if (report.status === 'resolved') return { ok: false, reason: `incident ${report.id} is already resolved` };
  if (report.acknowledged) return { ok: false, reason: `incident ${report.id} was already acknowledged by <@${report.acknowledged.userId}> at ${report.acknowledged.at}` };
  return { ok: true, report: { ...report, acknowledged: who } };
}

export function mute(report: IncidentReport, m: Mute): AttentionResult {
  if (report.status === 'resolved') return { ok: false, reason: `incident ${report.id} is already resolved` };
  return { ok: true, report: { ...report, mute: m } };
}

export function unmute(report: IncidentReport): AttentionResult {
  if (!report.mute) return { ok: false, reason: `incident ${report.id} is not muted` };
  const { mute: _gone, ...rest } = report;
  return { ok: true, report: rest };
}
