// Slack: the scopes the bot token was granted, against the ones the agent uses.
import { fail, ok, skip, warn, type CheckResult } from '../../core/doctor/check.ts';
import { missingScopes } from '../../core/doctor/slack-scopes.ts';
import type { SlackIdentity } from './probes.ts';

const BASE = { id: 'slack.scopes', area: 'slack', title: 'token scopes' } as const;

export function checkSlackScopes(identity: SlackIdentity | undefined, channelId: string | undefined): CheckResult {
  if (!identity) return skip(BASE, 'needs a valid bot token');
  if (!identity.scopes) {
    return warn(BASE, 'Slack did not report the token\'s scopes (no x-oauth-scopes header)',
      'compare OAuth & Permissions → Bot Token Scopes with manifests/slack-app.yaml');
  }
  const missing = missingScopes(identity.scopes, channelId?.startsWith('G') ?? false);
  if (missing.length > 0) {
    return fail(BASE, `missing ${missing.map((m) => `${m.scope} (${m.why})`).join(', ')}`,
      'add them under OAuth & Permissions → Bot Token Scopes (manifests/slack-app.yaml lists them), then reinstall the app');
  }
  return ok(BASE, `granted: ${identity.scopes.join(', ')}`);
}
