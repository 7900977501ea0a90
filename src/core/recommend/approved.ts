// What an approval covers: the policy's clamped limit when it clamped, else the deterministic
// one, and a request that never ends above that limit (Kubernetes rejects request > limit).
// Every place that shows, records or checks "the recommended limit" reads it from here, so the
// quantity a person sees is the one the policy checked.
import type { IncidentReport, Recommendation } from '../model.ts';
import { toBytes } from '../quantity.ts';
import { toMillicores } from '../cpu-quantity.ts';

export type Resource = NonNullable<Recommendation['resource']>;

export interface ApprovedChange {
  resource: Resource;
  limit: string;
  request?: string;
}

/** Reports stored before CPU recommendations existed were all about memory. */
export function recommendedResource(rec: Pick<Recommendation, 'resource'>): Resource {
  return rec.resource ?? 'memory';
}

/** "memory limit" or "CPU limit", for sentences. */
export function limitName(rec: Pick<Recommendation, 'resource'>): string {
  return recommendedResource(rec) === 'cpu' ? 'CPU limit' : 'memory limit';
}

/** The limit an approval covers: the policy's clamped limit when there is one. */
export function approvedLimit(report: Pick<IncidentReport, 'verdict' | 'recommendation'>): string {
  return report.verdict.recommendedLimit ?? report.recommendation.limit;
}

/** Resource, limit and request as a human would apply them. */
export function approvedChange(report: Pick<IncidentReport, 'verdict' | 'recommendation'>): ApprovedChange {
  const resource = recommendedResource(report.recommendation);
  const limit = approvedLimit(report);
  const request = requestWithinLimit(report.recommendation.request, limit, resource === 'cpu' ? toMillicores : toBytes);
  return request === undefined ? { resource, limit } : { resource, limit, request };
}

/**
 * The request, lowered to the limit when it is above it. An unreadable request is dropped (nothing
 * to apply); against an unreadable or empty limit the request is kept as it is. `parse` reads the
 * resource's quantities: bytes for memory (the default), millicores for CPU.
 */
export function requestWithinLimit(request: string | undefined, limit: string, parse: (quantity: string) => number | undefined = toBytes): string | undefined {
  if (request === undefined) return undefined;
  const requested = parse(request);
  if (requested === undefined) return undefined;
  const limited = parse(limit);
  if (limited === undefined || limited <= 0) return request;
  return requested > limited ? limit : request;
}
