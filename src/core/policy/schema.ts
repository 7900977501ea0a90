// One MemoryPolicy document (policies/*.yaml). Objects are strict so a misspelt key is an error
// rather than a silently ignored safety setting.
import { z } from 'zod';
import { toBytes } from '../quantity.ts';
import { IncidentFamilySchema } from '../model.ts';
import { toMillicores } from '../cpu-quantity.ts';

const memoryQuantity = z.string().refine((s) => (toBytes(s) ?? 0) > 0, {
  error: (iss) => `not a memory quantity (${JSON.stringify(iss.input)})`,
});

const cpuQuantity = z.string().refine((s) => (toMillicores(s) ?? 0) > 0, {
  error: (iss) => `not a CPU quantity like "500m" or "2" (${JSON.stringify(iss.input)})`,
});

// Namespace names, or patterns with "*" wildcards ("*", "prod-*").
const namespacePattern = z
  .string()
  .regex(/^[a-z0-9*]([-a-z0-9*]*[a-z0-9*])?$/, { error: (iss) => `not a namespace name or pattern (${JSON.stringify(iss.input)})` });

const namespaceName = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { error: (iss) => `not a namespace name (${JSON.stringify(iss.input)})` });

// Slack user IDs (U… for workspace users, W… for Enterprise Grid users).
const slackUserId = z
  .string()
  .regex(/^[UW][A-Z0-9]{2,}$/, { error: (iss) => `not a Slack user ID like U0123ABCD (${JSON.stringify(iss.input)})` });

export const PolicySpecSchema = z.strictObject({
  /** Namespaces this policy covers; the most specific match wins (exact name > longest pattern > "*"). */
  namespaces: z.array(namespacePattern).min(1),
  /** Incidents here are never approvable. Protection is global: any policy's list applies everywhere. */
  protectedNamespaces: z.array(namespaceName).default([]),
  /** Ceiling for a recommended memory limit; higher recommendations are clamped to it. */
  maxMemoryLimit: memoryQuantity,
  /** Ceiling for a recommended CPU limit (throttling incidents); higher recommendations are clamped to it. */
  maxCpuLimit: cpuQuantity.default('4'),
  /** Ceiling for recommended / current limit; higher recommendations are clamped to current × factor. */
  maxIncreaseFactor: z.number().min(1).max(100).default(4),
  /** Below this LLM confidence the verdict asks for careful reading; it never changes `allowed`. */
  minConfidence: z.number().min(0).max(1).default(0),
  /** Slack user IDs allowed to approve or reject. */
  approvers: z.array(slackUserId).default([]),
  autoRemediation: z
    .literal(false, { error: 'must be false: kube-ai-sre never changes the cluster, a human applies approved changes' })
    .default(false),
  /** Detection thresholds for these namespaces; each one left out keeps the agent's setting. */
  thresholds: z
    .strictObject({
      /** Restarts before a container that is not yet backing off counts as a crash loop (crash family). */
      crashLoopRestarts: z.number().int().min(1).max(1000).optional(),
      /** Throttled share of CFS periods, in percent, that opens a CpuThrottling incident; 0 turns it off here. */
      cpuThrottlingPercent: z.number().min(0).max(100).optional(),
      /** Minutes the throttling must last, every one of them. */
      cpuThrottlingMinutes: z.number().int().min(1).max(1440).optional(),
    })
    .optional(),
  /** Incident families reported in these namespaces; the others are not posted. Absent: all of them. */
  families: z
    .array(IncidentFamilySchema)
    .min(1, { error: 'list at least one family, or leave the field out to report them all' })
    .optional(),
});

export const PolicySchema = z.strictObject({
  apiVersion: z.literal('kube-ai-sre/v1', { error: 'must be "kube-ai-sre/v1"' }),
  kind: z.literal('MemoryPolicy', { error: 'must be "MemoryPolicy"' }),
  metadata: z.strictObject({
    name: z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, { error: 'must be a lowercase name like "default" or "prod"' }),
  }),
  spec: PolicySpecSchema,
});

export type Policy = z.infer<typeof PolicySchema>;
export type PolicyInput = z.input<typeof PolicySchema>;
/** All loaded policies; names are unique. */
export type PolicySet = Policy[];
