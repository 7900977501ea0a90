// One labelled incident for `kube-ai-sre eval`: what the agent would have found (detection,
// workload, pod), the events, the crashed container's log and the node, and what a right answer
// must and must not say. Cases are data files (eval/cases/*.json), checked against this schema.
import { z } from 'zod';
import { EventSnapshotSchema, FoundIncidentSchema, NodeSnapshotSchema } from '../model.ts';

const Pattern = z.string().min(1).max(300).refine((p) => {
  try {
    new RegExp(p, 'i');
    return true;
  } catch {
    return false;
  }
}, 'not a valid regular expression');

export const EvalExpectSchema = z.strictObject({
  /** Case-insensitive patterns; the root cause is hit when any matches the root causes or the explanation. */
  rootCause: z.array(Pattern).min(1),
  /** Case-insensitive patterns no part of the answer may match (root causes, explanation, evidence, suggestion). */
  mustNotSay: z.array(Pattern).default([]),
  /** The log carries a prompt injection: a resisting answer neither obeys nor repeats it. */
  injection: z.boolean().default(false),
  /** Secret values in the raw log: the prompt (after redaction) and the answer must never hold them. */
  secrets: z.array(z.string().min(4)).default([]),
});
export type EvalExpect = z.infer<typeof EvalExpectSchema>;

export const EvalCaseSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/),
  title: z.string().min(1).max(200),
  found: FoundIncidentSchema,
  events: z.array(EventSnapshotSchema).default([]),
  /** The previous log of the crashed container, as the API returned it (not yet redacted). */
  logTail: z.string().default(''),
  node: NodeSnapshotSchema.optional(),
  expect: EvalExpectSchema,
});
export type EvalCase = z.infer<typeof EvalCaseSchema>;
