// What was decided on an incident, by whom and when, and for an approval the change a human
// would apply. Shown inside the updated incident message.
import type { Decision, IncidentReport } from '../model.ts';
import type { Block } from './block-kit.ts';
import { codeBlock, codeSpan, escapeMrkdwn, mention, slackDate, truncate } from './escape.ts';
import { remediationPlan } from './remediation-plan.ts';
import { limitName } from '../recommend/approved.ts';

export const NEVER_RUNS_NOTE = 'The bot never runs this: apply it through your usual change process.';

function who(decision: Decision): string {
  return mention(decision.userId, decision.userName);
}

function verb(decision: Decision): string {
  return decision.action === 'approve' ? '✅ *Approved*' : '⛔ *Rejected*';
}

/** Blocks for the decision and, when approved, the plan; no header. */
export function decisionBlocks(report: IncidentReport, decision: Decision): Block[] {
  const reason = decision.reason?.trim() ? `\n*Reason:* ${escapeMrkdwn(truncate(decision.reason.trim(), 1500))}` : '';
  const blocks: Block[] = [
    {
      type: 'section',
      block_id: 'incident_decision',
      text: { type: 'mrkdwn', text: `${verb(decision)} by ${who(decision)} on ${slackDate(decision.at)}${reason}` },
    },
  ];
  if (decision.action === 'approve') {
    const plan = remediationPlan(report);
    const parts = [`*Change to apply* (${limitName(report.recommendation)} ${codeSpan(plan.limit)}${plan.request ? `, request ${codeSpan(plan.request)}` : ''})`];
    if (plan.command) parts.push(codeBlock([plan.command], 2400, 2200));
    if (plan.note) parts.push(codeBlock(plan.note.split('\n'), 1200, 600));
    parts.push(`_${NEVER_RUNS_NOTE}_`);
    blocks.push({ type: 'section', block_id: 'incident_plan', text: { type: 'mrkdwn', text: parts.join('\n') } });
  } else {
    blocks.push({
      type: 'context',
      block_id: 'incident_plan',
      elements: [{ type: 'mrkdwn', text: 'No change will be proposed for this incident; it stays on record in the audit trail.' }],
    });
  }
  return blocks;
}
