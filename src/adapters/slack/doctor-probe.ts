// `doctor`'s questions to Slack's Web API, each a read: auth.test (who the token is, and its
// scopes from the x-oauth-scopes header), one message of the incident channel's history (proves
// membership), apps.connections.open with the app-level token (returns a URL, connects nothing),
// users.info. No retries: a problem shows at once. Failures are AppErrors (slack_error with
// Slack's own error string in details.error).
import { LogLevel, webApi } from '@slack/bolt';
import type { SlackProbe } from '../../usecases/doctor/probes.ts';
import { callSlack } from './slack-errors.ts';

const quiet = {
  debug: () => {}, info: () => {}, warn: () => {}, error: () => {},
  setLevel: () => {}, getLevel: () => LogLevel.ERROR, setName: () => {},
};

export function createSlackProbe(opts: { botToken: string; apiUrl?: string | undefined; timeoutMs?: number }): SlackProbe {
  const clientFor = (token: string) => new webApi.WebClient(token, {
    ...(opts.apiUrl ? { slackApiUrl: opts.apiUrl } : {}),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: opts.timeoutMs ?? 10_000,
    logger: quiet,
  });
  const bot = clientFor(opts.botToken);
  return {
    async whoAmI() {
      const res = await callSlack('auth.test', () => bot.auth.test());
      const scopes = res.response_metadata?.scopes;
      return {
        team: res.team ?? '',
        teamId: res.team_id ?? '',
        user: res.user ?? '',
        userId: res.user_id ?? '',
        ...(res.bot_id ? { botId: res.bot_id } : {}),
        ...(Array.isArray(scopes) ? { scopes } : {}),
      };
    },
    async readChannel(channelId) {
      await callSlack('conversations.history', () => bot.conversations.history({ channel: channelId, limit: 1 }));
    },
    async checkAppToken(appToken) {
      await callSlack('apps.connections.open', () => clientFor(appToken).apps.connections.open());
    },
    async userInfo(userId) {
      const res = await callSlack('users.info', () => bot.users.info({ user: userId }));
      const u = res.user;
      return { id: u?.id ?? userId, name: u?.name ?? '', deleted: u?.deleted === true, isBot: u?.is_bot === true };
    },
  };
}
