// Reading a report back from Redis: valid or `store_corrupt`, never a half-trusted object.
import type { z } from 'zod';
import { AppError } from '../../core/errors.ts';
import { IncidentReportSchema, type IncidentReport } from '../../core/model.ts';

/** The first few schema problems, short enough for an error message. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}

/** Parses a stored report; anything else is `store_corrupt` naming the incident and the problem. */
export function parseStoredReport(id: string, json: string): IncidentReport {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (err) {
    throw new AppError('store_corrupt', `incident ${id} in the store is not valid JSON`, { id }, { cause: err });
  }
  const parsed = IncidentReportSchema.safeParse(value);
  if (!parsed.success) {
    throw new AppError('store_corrupt', `incident ${id} in the store is not a valid report: ${describeIssues(parsed.error)}`, {
      id,
    });
  }
  return parsed.data;
}
