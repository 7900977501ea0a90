// Alertmanager's webhook notification, version 4, as its webhook receiver POSTs it. Validated at
// the boundary: what passes is well-formed, but every string in it is still untrusted text.
import { z } from 'zod';

const Timestamp = z.string().max(64).refine((s) => !Number.isNaN(Date.parse(s)), 'must be an RFC 3339 timestamp');
const LabelSet = z.record(z.string().max(1024), z.string());

export const AlertStatusSchema = z.enum(['firing', 'resolved']);
export type AlertStatus = z.infer<typeof AlertStatusSchema>;

export const WebhookAlertSchema = z.object({
  status: AlertStatusSchema,
  labels: LabelSet.refine((l) => (l.alertname ?? '').trim() !== '', { message: 'must hold a non-empty alertname', path: ['alertname'] }),
  annotations: LabelSet.default({}),
  startsAt: Timestamp,
  /** "0001-01-01T00:00:00Z" while firing. */
  endsAt: Timestamp.optional(),
  generatorURL: z.string().optional(),
  /** Alertmanager's hash of all labels; kept for logs, not used as the incident's identity. */
  fingerprint: z.string().optional(),
});
export type WebhookAlert = z.infer<typeof WebhookAlertSchema>;

export const AlertmanagerWebhookSchema = z.object({
  version: z.literal('4', { error: 'must be "4" (Alertmanager webhook payload version 4)' }),
  groupKey: z.string(),
  /** Alerts Alertmanager left out because of the receiver's max_alerts. */
  truncatedAlerts: z.number().int().nonnegative().optional(),
  status: AlertStatusSchema,
  receiver: z.string(),
  groupLabels: LabelSet.default({}),
  commonLabels: LabelSet.default({}),
  commonAnnotations: LabelSet.default({}),
  externalURL: z.string().default(''),
  alerts: z.array(WebhookAlertSchema),
});
export type AlertmanagerWebhook = z.infer<typeof AlertmanagerWebhookSchema>;

/** "alerts.3.labels.alertname: must hold a non-empty alertname; version: must be "4"..." — at most `max` issues. */
export function describeWebhookIssues(error: z.ZodError, max = 5): string {
  const lines = error.issues.slice(0, max).map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`);
  if (error.issues.length > max) lines.push(`… ${error.issues.length - max} more`);
  return lines.join('; ');
}
