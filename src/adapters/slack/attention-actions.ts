// Acknowledge, Mute (a drop-down of durations) and Unmute on incidents without a resource
// decision. Each is acked first; attendIncident authorises, stores and audits. The incident
// message is re-rendered in place; a refusal is told to the clicking user only.
import type { App, BlockAction, ButtonAction, StaticSelectAction } from '@slack/bolt';
import { ACKNOWLEDGE_ACTION_ID, MUTE_ACTION_ID, UNMUTE_ACTION_ID, parseMuteOptionValue } from '../../core/render/incident-blocks.ts';
import { noticeText } from '../../core/render/notice-text.ts';
import { attendIncident, type AttendInput } from '../../usecases/attend-incident.ts';
import { errorMessage, tellUser, userDisplayName, type SlackHandlerDeps } from './handler-deps.ts';

interface Clicker {
  userId: string;
  userName: string | undefined;
  channel: string | undefined;
  messageTs: string | undefined;
}

function clicker(body: BlockAction): Clicker {
  const name = body.user.username ?? body.user.name;
  return {
    userId: body.user.id,
    userName: typeof name === 'string' && name !== '' ? name.slice(0, 200) : undefined,
    channel: body.channel?.id ?? body.container?.channel_id,
    messageTs: body.message?.ts ?? body.container?.message_ts,
  };
}

async function attend(deps: SlackHandlerDeps, who: Clicker, request: Omit<AttendInput, 'userId' | 'userName'> | undefined): Promise<void> {
  const to = { channel: who.channel, user: who.userId };
  if (!request) {
    await tellUser(deps, to, 'This control does not name an incident; nothing was recorded.');
    return;
  }
  try {
    const userName = await userDisplayName(deps, who.userId, who.userName);
    const outcome = await attendIncident(deps, { ...request, userId: who.userId, ...(userName ? { userName: userName.slice(0, 200) } : {}) });
    if (!outcome.ok) {
      await tellUser(deps, to, noticeText(outcome.message));
      return;
    }
    const slack = outcome.report.slack ?? (who.channel && who.messageTs ? { channel: who.channel, ts: who.messageTs } : undefined);
    if (slack) await deps.notifier.updateIncident({ ...outcome.report, slack });
  } catch (err) {
    deps.logger.error({ incidentId: request.incidentId, action: request.action, err: errorMessage(err) }, 'acknowledge/mute failed');
    await tellUser(deps, to, 'That could not be recorded right now (the incident store is unavailable); nothing changed. Please try again.');
  }
}

function buttonValue(action: ButtonAction): string | undefined {
  return typeof action.value === 'string' && action.value.length > 0 && action.value.length <= 200 ? action.value : undefined;
}

export function registerAttentionActions(app: App, deps: SlackHandlerDeps): void {
  app.action<BlockAction<ButtonAction>>({ type: 'block_actions', action_id: ACKNOWLEDGE_ACTION_ID }, async ({ ack, body, action }) => {
    await ack();
    const id = buttonValue(action);
    await attend(deps, clicker(body), id ? { incidentId: id, action: 'acknowledge' } : undefined);
  });

  app.action<BlockAction<ButtonAction>>({ type: 'block_actions', action_id: UNMUTE_ACTION_ID }, async ({ ack, body, action }) => {
    await ack();
    const id = buttonValue(action);
    await attend(deps, clicker(body), id ? { incidentId: id, action: 'unmute' } : undefined);
  });

  app.action<BlockAction<StaticSelectAction>>({ type: 'block_actions', action_id: MUTE_ACTION_ID }, async ({ ack, body, action }) => {
    await ack();
    const chosen = typeof action.selected_option?.value === 'string' ? parseMuteOptionValue(action.selected_option.value) : undefined;
    await attend(deps, clicker(body), chosen ? { incidentId: chosen.incidentId, action: 'mute', duration: chosen.duration } : undefined);
  });
}
