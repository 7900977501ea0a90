// Slack: the bot is a member of the incident channel (one message of its history is read).
import { fail, ok, skip, type CheckResult } from '../../core/doctor/check.ts';
import { errorText, invalidVariable, slackError, type DoctorContext } from './doctor-context.ts';
import type { SlackIdentity } from './probes.ts';

const BASE = { id: 'slack.channel', area: 'slack', title: 'incident channel' } as const;
const CHANNEL_FIX = 'set SLACK_CHANNEL_ID to the incident channel\'s ID (channel details, at the bottom: C…)';

export async function checkSlackChannel(ctx: Pick<DoctorContext, 'config' | 'invalid' | 'slack'>, identity: SlackIdentity | undefined): Promise<CheckResult> {
  const bad = invalidVariable(ctx, 'SLACK_CHANNEL_ID');
  const channel = ctx.config.SLACK_CHANNEL_ID;
  if (bad) return fail(BASE, `${bad} is invalid or missing: the bot has nowhere to post incidents`, CHANNEL_FIX);
  if (!identity || !ctx.slack) return skip(BASE, 'needs a valid bot token');
  if (!channel) {
    return fail(BASE, 'SLACK_CHANNEL_ID not set: the bot has nowhere to post incidents', CHANNEL_FIX);
  }
  const invite = `in the channel, type /invite @${identity.user}`;
  try {
    await ctx.slack.readChannel(channel);
    return ok(BASE, `the bot is a member of ${channel}`);
  } catch (err) {
    const code = slackError(err);
    switch (code) {
      case 'not_in_channel':
        return fail(BASE, `the bot is not a member of ${channel} (not_in_channel)`, invite);
      case 'channel_not_found':
        return fail(BASE, `no channel ${channel} visible to the bot (channel_not_found)`,
          `use the channel's ID (channel details, C…), not its name; for a private channel ${invite} first`);
      case 'missing_scope':
        return fail(BASE, `cannot read ${channel}: missing scope`, 'add channels:history (groups:history for a private channel) to the bot token scopes and reinstall');
      default:
        return fail(BASE, `conversations.history on ${channel} failed: ${code}${code === 'unknown_error' ? ` (${errorText(err)})` : ''}`, `check SLACK_CHANNEL_ID; ${invite}`);
    }
  }
}
