// Approve/Reject clicks and the reject-reason modal. Each is acked first; the decision itself is
// decideIncident's (authorised, atomic, audited). A recorded decision re-renders the incident
// message in place; a refusal is told to the clicking user only.
import type { App, BlockAction, ButtonAction, RespondFn } from '@slack/bolt';
import { APPROVE_ACTION_ID, REJECT_ACTION_ID } from '../../core/render/incident-blocks.ts';
import { noticeText } from '../../core/render/notice-text.ts';
import type { IncidentReport } from '../../core/model.ts';
import type { SlackRef } from '../../ports.ts';
import { decideIncident, type DecideOutcome } from '../../usecases/decide.ts';
import { precheckDecision } from '../../usecases/precheck-decision.ts';
import { errorMessage, tellUser, userDisplayName, type SlackHandlerDeps } from './handler-deps.ts';
import { REASON_ACTION_ID, REASON_BLOCK_ID, REJECT_MODAL_CALLBACK_ID, parseRejectMetadata, rejectModal } from './reject-modal.ts';
import { callSlack } from './slack-errors.ts';

interface Click {
  incidentId: string | undefined;
  userId: string;
  userName: string | undefined;
  channel: string | undefined;
  messageTs: string | undefined;
  triggerId: string;
}

function readClick(body: BlockAction, action: ButtonAction): Click {
  const value = typeof action.value === 'string' && action.value.length > 0 && action.value.length <= 200 ? action.value : undefined;
  const name = body.user.username ?? body.user.name;
  return {
    incidentId: value,
    userId: body.user.id,
    userName: typeof name === 'string' && name !== '' ? name.slice(0, 200) : undefined,
    channel: body.channel?.id ?? body.container?.channel_id,
    messageTs: body.message?.ts ?? body.container?.message_ts,
    triggerId: body.trigger_id,
  };
}

const COULD_NOT_RECORD = 'Your decision could not be recorded right now (the incident store is unavailable); nothing changed. Please try again.';

async function showDecision(deps: SlackHandlerDeps, report: IncidentReport, fallbackRef: Partial<SlackRef>): Promise<void> {
  const slack = report.slack ?? (fallbackRef.channel && fallbackRef.ts ? { channel: fallbackRef.channel, ts: fallbackRef.ts } : undefined);
  if (!slack) {
    deps.logger.warn({ incidentId: report.id }, 'decided incident has no Slack message to update');
    return;
  }
  await deps.notifier.updateIncident({ ...report, slack });
}

/** After decideIncident: update the message, or tell the user why not. */
async function settle(
  deps: SlackHandlerDeps,
  action: 'approve' | 'reject',
  outcome: DecideOutcome,
  where: { channel: string | undefined; ts: string | undefined; user: string },
  respond?: RespondFn,
): Promise<void> {
  const fallback = respond ? (text: string) => respond({ response_type: 'ephemeral', replace_original: false, text }) : undefined;
  if (!outcome.ok) {
    deps.onDecision?.(action, outcome.refusal);
    await tellUser(deps, { channel: where.channel, user: where.user }, noticeText(outcome.message), fallback);
    return;
  }
  deps.onDecision?.(action, 'recorded');
  if (outcome.auditFailed) {
    await tellUser(deps, { channel: where.channel, user: where.user }, 'Your decision was recorded, but its audit entry could not be written (Redis trouble); an operator has been alerted in the logs.', fallback);
  }
  try {
    await showDecision(deps, outcome.report, { channel: where.channel, ts: where.ts });
  } catch (err) {
    // The decision is stored and audited; only the message is stale.
    deps.logger.error({ incidentId: outcome.report.id, err: errorMessage(err) }, 'decision recorded but the incident message was not updated');
    await tellUser(deps, { channel: where.channel, user: where.user }, 'Your decision was recorded, but the incident message could not be updated.', fallback);
  }
}

export function registerActions(app: App, deps: SlackHandlerDeps): void {
  app.action<BlockAction<ButtonAction>>({ type: 'block_actions', action_id: APPROVE_ACTION_ID }, async ({ ack, body, action, respond }) => {
    await ack();
    const click = readClick(body, action);
    const where = { channel: click.channel, ts: click.messageTs, user: click.userId };
    if (!click.incidentId) {
      await tellUser(deps, { channel: click.channel, user: click.userId }, 'This button does not name an incident; nothing was recorded.');
      return;
    }
    let outcome: DecideOutcome;
    try {
      const userName = await userDisplayName(deps, click.userId, click.userName);
      outcome = await decideIncident(deps, {
        incidentId: click.incidentId,
        userId: click.userId,
        action: 'approve',
        ...(userName ? { userName } : {}),
      });
    } catch (err) {
      deps.onDecision?.('approve', 'error');
      deps.logger.error({ incidentId: click.incidentId, err: errorMessage(err) }, 'approve failed');
      await tellUser(deps, { channel: click.channel, user: click.userId }, COULD_NOT_RECORD);
      return;
    }
    await settle(deps, 'approve', outcome, where, respond);
  });

  app.action<BlockAction<ButtonAction>>({ type: 'block_actions', action_id: REJECT_ACTION_ID }, async ({ ack, body, action, respond }) => {
    await ack();
    const click = readClick(body, action);
    const fallback = (text: string) => respond({ response_type: 'ephemeral', replace_original: false, text });
    if (!click.incidentId || !click.channel || !click.messageTs) {
      await tellUser(deps, { channel: click.channel, user: click.userId }, 'This button does not name an incident message; nothing was recorded.', fallback);
      return;
    }
    try {
      // A user who may not reject never sees the modal; the refusal is audited there.
      const userName = await userDisplayName(deps, click.userId, click.userName);
      const pre = await precheckDecision(deps, {
        incidentId: click.incidentId,
        userId: click.userId,
        action: 'reject',
        ...(userName ? { userName } : {}),
      });
      if (!pre.ok) {
        deps.onDecision?.('reject', pre.refusal);
        await tellUser(deps, { channel: click.channel, user: click.userId }, noticeText(pre.message), fallback);
        return;
      }
      const view = rejectModal(pre.report, { incidentId: click.incidentId, channel: click.channel, ts: click.messageTs });
      await callSlack('views.open', () => deps.client.views.open({ trigger_id: click.triggerId, view }), deps.onSlackError);
    } catch (err) {
      deps.logger.error({ incidentId: click.incidentId, err: errorMessage(err) }, 'reject could not start');
      await tellUser(deps, { channel: click.channel, user: click.userId }, 'The reject form could not be opened right now; nothing was recorded. Please try again.', fallback);
    }
  });

  app.view(REJECT_MODAL_CALLBACK_ID, async ({ ack, body, view }) => {
    const meta = parseRejectMetadata(view.private_metadata);
    const reason = view.state.values[REASON_BLOCK_ID]?.[REASON_ACTION_ID]?.value?.trim() ?? '';
    if (!meta) {
      await ack({ response_action: 'errors', errors: { [REASON_BLOCK_ID]: 'This form no longer names an incident; close it and click Reject again.' } });
      return;
    }
    if (reason.length < 3) {
      await ack({ response_action: 'errors', errors: { [REASON_BLOCK_ID]: 'Please give a reason (at least 3 characters).' } });
      return;
    }
    await ack();
    const payloadName = (body.user as { username?: string }).username ?? body.user.name;
    let outcome: DecideOutcome;
    try {
      const userName = await userDisplayName(deps, body.user.id, typeof payloadName === 'string' && payloadName !== '' ? payloadName : undefined);
      outcome = await decideIncident(deps, {
        incidentId: meta.incidentId,
        userId: body.user.id,
        action: 'reject',
        reason: reason.slice(0, 1000),
        ...(userName ? { userName: userName.slice(0, 200) } : {}),
      });
    } catch (err) {
      deps.onDecision?.('reject', 'error');
      deps.logger.error({ incidentId: meta.incidentId, err: errorMessage(err) }, 'reject failed');
      await tellUser(deps, { channel: meta.channel, user: body.user.id }, COULD_NOT_RECORD);
      return;
    }
    await settle(deps, 'reject', outcome, { channel: meta.channel, ts: meta.ts, user: body.user.id });
  });
}
