// ChatNotifier over the Bolt app's Web API client: one message per incident, re-rendered in
// place; plain texts and thread replies. Also the delayed reply to a slash command (response_url).
import type { webApi } from '@slack/bolt';
import { AppError } from '../../core/errors.ts';
import type { IncidentReport } from '../../core/model.ts';
import type { RenderedMessage } from '../../core/render/block-kit.ts';
import { truncate } from '../../core/render/escape.ts';
import { renderIncidentMessage } from '../../core/render/incident-blocks.ts';
import type { ChatNotifier, Logger, SlackRef } from '../../ports.ts';
import { callSlack, type SlackErrorHook } from './slack-errors.ts';

export interface ChatNotifierOptions {
  client: webApi.WebClient;
  /** Where incident messages and channel texts go. */
  channelId: string;
  logger: Logger;
  onSlackError?: SlackErrorHook;
}

/** Our Block Kit subset is Slack's; the SDK's own block types stop here. */
export function slackMessage(msg: RenderedMessage): { text: string; blocks: webApi.KnownBlock[] } {
  return { text: msg.text, blocks: msg.blocks as unknown as webApi.KnownBlock[] };
}

function refFrom(method: string, res: { channel?: string; ts?: string }): SlackRef {
  if (!res.channel || !res.ts) throw new AppError('slack_error', `Slack ${method} answered without channel/ts`, { method, error: 'missing_ts' });
  return { channel: res.channel, ts: res.ts };
}

export function createChatNotifier(opts: ChatNotifierOptions): ChatNotifier {
  const { client, channelId, onSlackError } = opts;
  const logger = opts.logger.child({ component: 'slack-notifier' });

  return {
    async postIncident(report: IncidentReport): Promise<SlackRef> {
      const msg = slackMessage(renderIncidentMessage(report));
      const res = await callSlack('chat.postMessage', () => client.chat.postMessage({ channel: channelId, ...msg, unfurl_links: false, unfurl_media: false }), onSlackError);
      const ref = refFrom('chat.postMessage', res);
      logger.info({ incidentId: report.id, ts: ref.ts }, 'incident posted');
      return ref;
    },

    async updateIncident(report: IncidentReport & { slack: SlackRef }): Promise<void> {
      // The incident render follows the status: buttons while open, the decision and plan once
      // decided, "resolved" at the end.
      const msg = slackMessage(renderIncidentMessage(report));
      await callSlack('chat.update', () => client.chat.update({ channel: report.slack.channel, ts: report.slack.ts, ...msg }), onSlackError);
      logger.debug({ incidentId: report.id, status: report.status }, 'incident message updated');
    },

    async postText(text: string, o: { threadTs?: string; channel?: string } = {}): Promise<SlackRef> {
      const res = await callSlack(
        'chat.postMessage',
        () =>
          client.chat.postMessage({
            channel: o.channel ?? channelId,
            text: truncate(text.trim() === '' ? ' ' : text, 3999),
            ...(o.threadTs ? { thread_ts: o.threadTs } : {}),
            unfurl_links: false,
            unfurl_media: false,
          }),
        onSlackError,
      );
      return refFrom('chat.postMessage', res);
    },
  };
}

export interface ResponseUrlOptions {
  responseType?: 'in_channel' | 'ephemeral';
  logger?: Logger;
  timeoutMs?: number;
}

/**
 * The delayed answer to a slash command. Failures (expired or used-up URL, network) are logged,
 * never thrown: the work the command started has already happened.
 */
export async function postToResponseUrl(url: string, text: string, opts: ResponseUrlOptions = {}): Promise<void> {
  const body = { text: truncate(text, 3999), response_type: opts.responseType ?? 'ephemeral', replace_original: false };
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
    });
    if (!res.ok) {
      opts.logger?.warn({ status: res.status, body: (await res.text().catch(() => '')).slice(0, 200) }, 'response_url refused the reply');
    }
  } catch (err) {
    opts.logger?.warn({ err: err instanceof Error ? err.message : String(err) }, 'response_url reply failed');
  }
}
