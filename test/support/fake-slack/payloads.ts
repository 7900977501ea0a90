// Real-shaped payloads for what Slack sends an app: slash commands, button clicks, modal
// submissions and message events. The same object goes over HTTP (/slack/events) or inside a
// Socket Mode envelope; only the wire encoding differs.
import { randomBytes, randomUUID } from 'node:crypto';
import type { EnvelopeType } from './socket-mode.ts';
import type { FakeSlackIdentity } from './types.ts';

export interface InboundPayload {
  envelopeType: EnvelopeType;
  /** The HTTP body, parsed: form fields for commands, the `payload` JSON for interactivity. */
  body: Record<string, unknown>;
}

export interface Actor {
  id: string;
  name: string;
}

export const DEFAULT_USER: Actor = { id: 'U0SREALICE', name: 'alice' };
export const DEFAULT_CHANNEL = { id: 'C0INCIDENTS', name: 'sre-incidents' };

let counter = 0;
const triggerId = (): string => `${Date.now()}${++counter}.${Math.floor(Math.random() * 1e9)}.${randomBytes(16).toString('hex')}`;
const eventId = (): string => `Ev0${randomBytes(5).toString('hex').toUpperCase()}`;
const nowTs = (): string => `${(Date.now() / 1000).toFixed(6)}`;

export interface SlashCommandInput {
  text?: string;
  command?: string;
  user?: Actor;
  channel?: { id: string; name: string };
  response_url?: string;
  trigger_id?: string;
}

export interface BlockActionInput {
  actionId: string;
  value?: string;
  /** A choice from a select menu instead of a button click: the chosen option's value and text. */
  selectedOption?: { value: string; text: string };
  blockId?: string;
  buttonText?: string;
  user?: Actor;
  channel?: { id: string; name: string };
  /** The message the button sits on. */
  message: { ts: string; text?: string; blocks?: unknown[]; thread_ts?: string };
  response_url?: string;
  trigger_id?: string;
}

export interface ViewSubmissionInput {
  callbackId: string;
  /** state.values: { [block_id]: { [action_id]: { type, value } } } */
  values: Record<string, Record<string, Record<string, unknown>>>;
  privateMetadata?: string;
  user?: Actor;
  trigger_id?: string;
}

export interface MessageEventInput {
  channel?: string;
  user?: string;
  text: string;
  ts?: string;
  thread_ts?: string;
  /** A message posted by a bot (including our own echo). */
  bot_id?: string;
  parent_user_id?: string;
  eventId?: string;
}

export interface MessageChangedInput {
  channel?: string;
  user?: string;
  ts: string;
  text: string;
  previousText: string;
  thread_ts?: string;
  eventId?: string;
}

export function payloadBuilders(identity: FakeSlackIdentity, newResponseUrl: () => string) {
  const team = { id: identity.teamId, domain: identity.teamDomain };

  function slashCommand(o: SlashCommandInput = {}): InboundPayload {
    const user = o.user ?? DEFAULT_USER;
    const channel = o.channel ?? DEFAULT_CHANNEL;
    return {
      envelopeType: 'slash_commands',
      body: {
        token: 'deprecated-verification-token',
        team_id: identity.teamId,
        team_domain: identity.teamDomain,
        channel_id: channel.id,
        channel_name: channel.name,
        user_id: user.id,
        user_name: user.name,
        command: o.command ?? '/sre',
        text: o.text ?? '',
        api_app_id: identity.appId,
        is_enterprise_install: 'false',
        response_url: o.response_url ?? newResponseUrl(),
        trigger_id: o.trigger_id ?? triggerId(),
      },
    };
  }

  function blockAction(o: BlockActionInput): InboundPayload {
    const user = o.user ?? DEFAULT_USER;
    const channel = o.channel ?? DEFAULT_CHANNEL;
    return {
      envelopeType: 'interactive',
      body: {
        type: 'block_actions',
        user: { id: user.id, username: user.name, name: user.name, team_id: identity.teamId },
        api_app_id: identity.appId,
        token: 'deprecated-verification-token',
        container: { type: 'message', message_ts: o.message.ts, channel_id: channel.id, is_ephemeral: false },
        trigger_id: o.trigger_id ?? triggerId(),
        team,
        enterprise: null,
        is_enterprise_install: false,
        channel: { id: channel.id, name: channel.name },
        message: {
          type: 'message',
          user: identity.botUserId,
          bot_id: identity.botId,
          app_id: identity.appId,
          text: o.message.text ?? '',
          blocks: o.message.blocks ?? [],
          ts: o.message.ts,
          team: identity.teamId,
          ...(o.message.thread_ts ? { thread_ts: o.message.thread_ts } : {}),
        },
        state: { values: {} },
        response_url: o.response_url ?? newResponseUrl(),
        actions: [
          o.selectedOption
            ? {
                type: 'static_select',
                action_id: o.actionId,
                block_id: o.blockId ?? 'incident_actions',
                selected_option: { text: { type: 'plain_text', text: o.selectedOption.text, emoji: true }, value: o.selectedOption.value },
                placeholder: { type: 'plain_text', text: 'Select', emoji: true },
                action_ts: nowTs(),
              }
            : {
                type: 'button',
                action_id: o.actionId,
                block_id: o.blockId ?? 'incident_actions',
                text: { type: 'plain_text', text: o.buttonText ?? o.actionId, emoji: true },
                ...(o.value !== undefined ? { value: o.value } : {}),
                action_ts: nowTs(),
              },
        ],
      },
    };
  }

  function viewSubmission(o: ViewSubmissionInput): InboundPayload {
    const user = o.user ?? DEFAULT_USER;
    return {
      envelopeType: 'interactive',
      body: {
        type: 'view_submission',
        team,
        user: { id: user.id, username: user.name, name: user.name, team_id: identity.teamId },
        api_app_id: identity.appId,
        token: 'deprecated-verification-token',
        trigger_id: o.trigger_id ?? triggerId(),
        view: {
          id: 'V0FAKEVIEW1',
          team_id: identity.teamId,
          type: 'modal',
          callback_id: o.callbackId,
          private_metadata: o.privateMetadata ?? '',
          state: { values: o.values },
          hash: randomBytes(8).toString('hex'),
          app_id: identity.appId,
          bot_id: identity.botId,
        },
        response_urls: [],
        is_enterprise_install: false,
      },
    };
  }

  function eventCallback(event: Record<string, unknown>, id?: string): InboundPayload {
    return {
      envelopeType: 'events_api',
      body: {
        token: 'deprecated-verification-token',
        team_id: identity.teamId,
        api_app_id: identity.appId,
        event,
        type: 'event_callback',
        event_id: id ?? eventId(),
        event_time: Math.floor(Date.now() / 1000),
        authorizations: [{ enterprise_id: null, team_id: identity.teamId, user_id: identity.botUserId, is_bot: true, is_enterprise_install: false }],
        is_ext_shared_channel: false,
        event_context: `4-${randomBytes(12).toString('hex')}`,
      },
    };
  }

  /** A channel message or, with thread_ts, a thread reply (its ts differs from thread_ts). */
  function messageEvent(o: MessageEventInput): InboundPayload {
    const ts = o.ts ?? nowTs();
    return eventCallback(
      {
        type: 'message',
        channel: o.channel ?? DEFAULT_CHANNEL.id,
        ...(o.bot_id ? { bot_id: o.bot_id, subtype: 'bot_message', app_id: identity.appId } : {}),
        user: o.user ?? (o.bot_id ? identity.botUserId : DEFAULT_USER.id),
        text: o.text,
        ts,
        event_ts: ts,
        channel_type: 'channel',
        team: identity.teamId,
        ...(o.bot_id ? {} : { client_msg_id: randomUUID() }),
        ...(o.thread_ts ? { thread_ts: o.thread_ts, parent_user_id: o.parent_user_id ?? identity.botUserId } : {}),
      },
      o.eventId,
    );
  }

  function messageChanged(o: MessageChangedInput): InboundPayload {
    const eventTs = nowTs();
    const user = o.user ?? DEFAULT_USER.id;
    const thread = o.thread_ts ? { thread_ts: o.thread_ts } : {};
    return eventCallback(
      {
        type: 'message',
        subtype: 'message_changed',
        channel: o.channel ?? DEFAULT_CHANNEL.id,
        hidden: true,
        ts: eventTs,
        event_ts: eventTs,
        channel_type: 'channel',
        message: { type: 'message', user, text: o.text, ts: o.ts, edited: { user, ts: eventTs }, ...thread },
        previous_message: { type: 'message', user, text: o.previousText, ts: o.ts, ...thread },
      },
      o.eventId,
    );
  }

  return { slashCommand, blockAction, viewSubmission, messageEvent, messageChanged, eventCallback };
}

export type PayloadBuilders = ReturnType<typeof payloadBuilders>;

/** The HTTP body Slack would send for a payload, with its exact content type. */
export function encodePayload(p: InboundPayload): { contentType: string; rawBody: string } {
  switch (p.envelopeType) {
    case 'slash_commands':
      return { contentType: 'application/x-www-form-urlencoded', rawBody: new URLSearchParams(p.body as Record<string, string>).toString() };
    case 'interactive':
      return { contentType: 'application/x-www-form-urlencoded', rawBody: new URLSearchParams({ payload: JSON.stringify(p.body) }).toString() };
    case 'events_api':
      return { contentType: 'application/json', rawBody: JSON.stringify(p.body) };
  }
}
