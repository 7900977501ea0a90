// Slack: how Slack reaches the bot. Socket Mode: the app-level token is accepted
// (apps.connections.open, no connection made). HTTP mode: the signing secret is set.
import { fail, ok, skip, type CheckResult } from '../../core/doctor/check.ts';
import { errorText, invalidVariable, slackError, type DoctorContext } from './doctor-context.ts';

const BASE = { id: 'slack.mode', area: 'slack', title: 'Slack → bot' } as const;

export async function checkSlackMode(ctx: Pick<DoctorContext, 'config' | 'configProblems' | 'invalid' | 'slack'>): Promise<CheckResult> {
  const bad = invalidVariable(ctx, 'SLACK_APP_TOKEN', 'SLACK_SIGNING_SECRET');
  if (bad) {
    return fail(BASE, ctx.configProblems.find((p) => p.startsWith(`${bad}:`)) ?? `${bad} is invalid`,
      'set SLACK_APP_TOKEN (xapp-…, Socket Mode: no public URL) or SLACK_SIGNING_SECRET (HTTP mode: Basic Information → Signing Secret)');
  }
  if (!ctx.slack) return skip(BASE, 'needs a bot token');
  const appToken = ctx.config.SLACK_APP_TOKEN;
  if (!appToken) {
    if (!ctx.config.SLACK_SIGNING_SECRET) {
      return fail(BASE, 'neither SLACK_APP_TOKEN nor SLACK_SIGNING_SECRET is set', 'set SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode)');
    }
    return ok(BASE, `HTTP mode: signing secret set; Slack must reach POST /slack/events on port ${ctx.config.PORT} over HTTPS`);
  }
  try {
    await ctx.slack.checkAppToken(appToken);
    return ok(BASE, 'Socket Mode: app-level token accepted (apps.connections.open)');
  } catch (err) {
    const code = slackError(err);
    const fix = code === 'not_allowed_token_type'
      ? 'SLACK_APP_TOKEN must be an app-level token (xapp-…) with connections:write'
      : code === 'invalid_auth' || code === 'token_revoked'
        ? 'generate a new app-level token with connections:write (Basic Information → App-Level Tokens) and set SLACK_APP_TOKEN'
        : 'check SLACK_APP_TOKEN, and that Socket Mode is enabled for the app (Settings → Socket Mode)';
    return fail(BASE, `Socket Mode: apps.connections.open failed: ${code}${code === 'unknown_error' ? ` (${errorText(err)})` : ''}`, fix);
  }
}
