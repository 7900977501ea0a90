// What was decided on an incident, by whom and when, and for an approval the change a human
// would apply. Used inside the updated incident message and as a message of its own.
import type { Decision, IncidentReport } from '../model.ts';
import { SLACK_LIMITS as L, type Block, type RenderedMessage } from './block-kit.ts';
import { codeBlock, codeSpan, escapeMrkdwn, mention, slackDate, truncate } from './escape.ts';
import { fitMessage } from './fit-message.ts';
import { remediationPlan } from './remediation-plan.ts';

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
    const parts = [`*Change to apply* (memory limit ${codeSpan(plan.limit)}${plan.request ? `, request ${codeSpan(plan.request)}` : ''})`];
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

/** A message of its own about a decision (thread reply or the incident's update). */
export function renderDecisionMessage(report: IncidentReport, decision: Decision): RenderedMessage {
  const d = report.detection;
  const title = `${decision.action === 'approve' ? '✅ Approved' : '⛔ Rejected'}: ${report.workload.kind}/${report.workload.name}`;
  const blocks: Block[] = [
    { type: 'header', block_id: 'decision_header', text: { type: 'plain_text', text: truncate(title, L.headerText), emoji: true } },
    ...decisionBlocks(report, decision),
    {
      type: 'context',
      block_id: 'decision_incident',
      elements: [
        {
          type: 'mrkdwn',
          text: `Incident ${codeSpan(truncate(report.id, 200))} · pod ${codeSpan(truncate(d.pod, 300))} · namespace ${codeSpan(truncate(d.namespace, 300))} · container ${codeSpan(truncate(d.container, 300))}`,
        },
      ],
    },
  ];
  const name = decision.userName ?? decision.userId;
  const text = `${decision.action === 'approve' ? 'Approved' : 'Rejected'} by ${escapeMrkdwn(truncate(name, 200))}: ${escapeMrkdwn(truncate(`${report.workload.kind}/${report.workload.name} in ${d.namespace}`, 600))}${
    decision.action === 'approve' ? ` (memory limit ${escapeMrkdwn(remediationPlan(report).limit)}; nothing was changed by the bot)` : ''
  }`;
  return fitMessage({ text, blocks });
}
