// Payloads of the background jobs (scan a namespace, analyze an incident, answer a thread
// question). Validated when a worker picks a job up, so a malformed job fails once, not forever.
import { z } from 'zod';
import { FoundIncidentSchema } from './model.ts';
import { AlertmanagerWebhookSchema } from './alerts/webhook-payload.ts';

export const ScanTriggerSchema = z.enum(['schedule', 'slash', 'watch']);

export const ScanJobSchema = z.object({
  namespace: z.string().min(1).max(253),
  /** The cluster the scan was routed to (its agents consume that cluster's scan queue). */
  cluster: z.string().min(1).max(100).optional(),
  trigger: ScanTriggerSchema,
  /** Slack user id of whoever typed `/sre scan`. */
  requestedBy: z.string().optional(),
  /** Slack response_url for a delayed reply to the slash command. */
  responseUrl: z.string().optional(),
});
export type ScanJob = z.infer<typeof ScanJobSchema>;

export const AnalyzeJobSchema = z.object({
  /** The incident to re-analyze; absent for a newly detected one. */
  incidentId: z.string().min(1).optional(),
  fingerprint: z.string().min(1),
  namespace: z.string().min(1).max(253),
  /** Empty for an incident about no pod (an alert about a node or the cluster). */
  pod: z.string().max(253),
  /** What the scan saw; the analysis gathers logs and events for it. */
  found: FoundIncidentSchema,
  /** The context hash the analysis is for: one analysis per incident change. */
  contextKey: z.string().min(1),
});
export type AnalyzeJob = z.infer<typeof AnalyzeJobSchema>;

export const ThreadJobSchema = z.object({
  incidentId: z.string().min(1),
  channel: z.string().min(1),
  threadTs: z.string().min(1),
  /** ts of the question itself; Slack retries carry the same one. */
  messageTs: z.string().min(1),
  userId: z.string().min(1),
  text: z.string(),
});
export type ThreadJob = z.infer<typeof ThreadJobSchema>;

/** One Alertmanager notification, accepted by the webhook receiver and processed in the background. */
export const AlertJobSchema = z.object({
  payload: AlertmanagerWebhookSchema,
  receivedAt: z.string(),
});
export type AlertJob = z.infer<typeof AlertJobSchema>;
