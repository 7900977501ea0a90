// Slack: the bot token, with auth.test.
import { fail, ok, skip, type CheckResult } from '../../core/doctor/check.ts';
import { errorText, invalidVariable, slackError, type DoctorContext } from './doctor-context.ts';
import type { SlackIdentity } from './probes.ts';

const BASE = { id: 'slack.token', area: 'slack', title: 'bot token' } as const;

const FIXES: Record<string, string> = {
  invalid_auth: 'the token is wrong or from another workspace: copy the Bot User OAuth Token (xoxb-…) again from OAuth & Permissions',
  not_authed: 'set SLACK_BOT_TOKEN to the Bot User OAuth Token (xoxb-…)',
  token_revoked: 'the token was revoked (app uninstalled or token rotated): reinstall the app to the workspace and set the new Bot User OAuth Token',
  token_expired: 'the token expired (token rotation is on): set a fresh Bot User OAuth Token, or turn rotation off for this app',
  account_inactive: 'the bot user or workspace is deactivated: reinstall the app in an active workspace',
  not_allowed_token_type: 'SLACK_BOT_TOKEN must be the bot token (xoxb-…), not a user or app-level token',
  request_failed: 'Slack could not be reached: check the network, the proxy, and SLACK_API_URL if set',
};

export async function checkSlackToken(ctx: Pick<DoctorContext, 'config' | 'invalid' | 'slack'>): Promise<{ result: CheckResult; identity?: SlackIdentity }> {
  const bad = invalidVariable(ctx, 'SLACK_BOT_TOKEN', 'SLACK_API_URL');
  if (bad) return { result: skip(BASE, `${bad} is invalid (see configuration)`) };
  if (!ctx.slack || !ctx.config.SLACK_BOT_TOKEN) {
    return { result: fail(BASE, 'SLACK_BOT_TOKEN not set: incidents are stored but never posted',
      'create the app from manifests/slack-app.yaml, install it, and set SLACK_BOT_TOKEN to its Bot User OAuth Token (xoxb-…)') };
  }
  try {
    const me = await ctx.slack.whoAmI();
    return { result: ok(BASE, `valid: bot @${me.user} (${me.userId}) in ${me.team} (${me.teamId})`), identity: me };
  } catch (err) {
    const code = slackError(err);
    return { result: fail(BASE, `auth.test failed: ${code}${code === 'unknown_error' ? ` (${errorText(err)})` : ''}`, FIXES[code] ?? 'check SLACK_BOT_TOKEN and that Slack is reachable') };
  }
}
