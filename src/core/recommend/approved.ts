// What an approval covers: the policy's clamped limit when it clamped, else the deterministic
// one, and a request that never ends above that limit (Kubernetes rejects request > limit).
// Every place that shows, records or checks "the recommended limit" reads it from here, so the
// quantity a person sees is the one the policy checked.
import type { IncidentReport } from '../model.ts';
import { toBytes } from '../quantity.ts';

export interface ApprovedMemory {
  limit: string;
  request?: string;
}

/** The limit an approval covers: the policy's clamped limit when there is one. */
export function approvedLimit(report: Pick<IncidentReport, 'verdict' | 'recommendation'>): string {
  return report.verdict.recommendedLimit ?? report.recommendation.limit;
}

/** Limit and request as a human would apply them. */
export function approvedMemory(report: Pick<IncidentReport, 'verdict' | 'recommendation'>): ApprovedMemory {
  const limit = approvedLimit(report);
  const request = requestWithinLimit(report.recommendation.request, limit);
  return request === undefined ? { limit } : { limit, request };
}

/**
 * The request, lowered to the limit when it is above it. An unreadable request is dropped (nothing
 * to apply); against an unreadable or empty limit the request is kept as it is.
 */
export function requestWithinLimit(request: string | undefined, limit: string): string | undefined {
  if (request === undefined) return undefined;
  const requestBytes = toBytes(request);
  if (requestBytes === undefined) return undefined;
  const limitBytes = toBytes(limit);
  if (limitBytes === undefined || limitBytes <= 0) return request;
  return requestBytes > limitBytes ? limit : request;
}
