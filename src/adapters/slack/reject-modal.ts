// The modal that asks why an incident is rejected. Its private_metadata carries where the
// incident's message is, so the submission can update it; it is parsed strictly on the way back.
import type { webApi } from '@slack/bolt';
import { z } from 'zod';
import type { IncidentReport } from '../../core/model.ts';
import { approvedLimit, limitName } from '../../core/recommend/approved.ts';
import { truncate } from '../../core/render/escape.ts';

export const REJECT_MODAL_CALLBACK_ID = 'incident_reject_reason';
export const REASON_BLOCK_ID = 'reject_reason';
export const REASON_ACTION_ID = 'reason';
/** decideIncident accepts reasons up to 1000 characters. */
export const REASON_MAX = 1000;

export const RejectMetadataSchema = z.strictObject({
  incidentId: z.string().min(1).max(200),
  channel: z.string().min(1).max(40),
  ts: z.string().min(1).max(40),
});
export type RejectMetadata = z.infer<typeof RejectMetadataSchema>;

export function parseRejectMetadata(raw: unknown): RejectMetadata | undefined {
  if (typeof raw !== 'string' || raw.length > 2000) return undefined;
  try {
    const parsed = RejectMetadataSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export function rejectModal(report: IncidentReport, meta: RejectMetadata): webApi.View {
  const d = report.detection;
  const summary = `${d.kind}: ${report.workload.kind}/${report.workload.name} in ${d.namespace} (container ${d.container}). Recommended ${limitName(report.recommendation)} ${approvedLimit(report)}.`;
  return {
    type: 'modal',
    callback_id: REJECT_MODAL_CALLBACK_ID,
    private_metadata: JSON.stringify(meta),
    title: { type: 'plain_text', text: 'Reject incident' },
    submit: { type: 'plain_text', text: 'Reject' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      // plain_text: names from the cluster cannot format or mention anything here.
      { type: 'section', block_id: 'reject_summary', text: { type: 'plain_text', text: truncate(summary, 2900) } },
      {
        type: 'input',
        block_id: REASON_BLOCK_ID,
        label: { type: 'plain_text', text: 'Why reject this recommendation?' },
        hint: { type: 'plain_text', text: 'Recorded in the audit trail and shown on the incident message. Nothing in the cluster changes.' },
        element: {
          type: 'plain_text_input',
          action_id: REASON_ACTION_ID,
          multiline: true,
          min_length: 3,
          max_length: REASON_MAX,
          placeholder: { type: 'plain_text', text: 'e.g. the leak is being fixed in code; a bigger limit would hide it' },
        },
      },
    ],
  };
}
