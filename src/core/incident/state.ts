// The incident lifecycle: open → approved | rejected | resolved; approved/rejected → resolved.
// A decided incident is never decided again, and resolved is final: a new occurrence after
// resolution is a new incident that lists this one in `previousIncidentIds`.
import type { Decision, Detection, IncidentReport } from '../model.ts';

export type IncidentEvent =
  | { type: 'approve' | 'reject'; decision: Decision }
  | { type: 'resolve'; at: string }
  /** The same fingerprint was seen again while the incident is still live. */
  | { type: 'recur'; at: string; detection?: Detection };

export type TransitionResult =
  | { ok: true; report: IncidentReport }
  | { ok: false; code: 'transition_refused'; reason: string };

/** Who decided and when, in words, e.g. "approved by Ana (U123) at 2025-01-01T10:00:00Z". */
export function describeDecision(decision: Decision): string {
  const verb = decision.action === 'approve' ? 'approved' : 'rejected';
  const who = decision.userName ? `${decision.userName} (${decision.userId})` : decision.userId;
  return `${verb} by ${who} at ${decision.at}`;
}

function refuse(reason: string): TransitionResult {
  return { ok: false, code: 'transition_refused', reason };
}

function later(a: string, b: string): string {
  const ta = Date.parse(a);
  const tb = Date.parse(b);
  if (Number.isNaN(ta)) return b;
  if (Number.isNaN(tb)) return a;
  return tb > ta ? b : a;
}

export function transition(report: IncidentReport, event: IncidentEvent): TransitionResult {
  if (report.status === 'resolved') {
    return refuse(
      `incident ${report.id} was resolved at ${report.resolvedAt ?? 'an unknown time'}; ` +
        'a new occurrence opens a new incident',
    );
  }

  switch (event.type) {
    case 'approve':
    case 'reject': {
      if (event.decision.action !== event.type) {
        return refuse(`a ${event.decision.action} decision cannot be recorded as ${event.type}`);
      }
      if (report.status !== 'open') {
        const what = report.decision ? describeDecision(report.decision) : report.status;
        return refuse(`incident ${report.id} was already ${what}`);
      }
      const status = event.type === 'approve' ? 'approved' : 'rejected';
      return { ok: true, report: { ...report, status, decision: event.decision } };
    }
    case 'resolve':
      return { ok: true, report: { ...report, status: 'resolved', resolvedAt: event.at } };
    case 'recur':
      return {
        ok: true,
        report: {
          ...report,
          detection: event.detection ?? report.detection,
          lastSeen: later(report.lastSeen, event.at),
          occurrences: report.occurrences + 1,
        },
      };
  }
}
