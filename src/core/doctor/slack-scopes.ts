// The bot token scopes the agent uses (manifests/slack-app.yaml declares them).

export const REQUIRED_BOT_SCOPES: ReadonlyArray<{ scope: string; why: string }> = [
  { scope: 'commands', why: 'the /sre command' },
  { scope: 'chat:write', why: 'post and update incident messages' },
  { scope: 'channels:history', why: 'thread questions in public channels' },
  { scope: 'users:read', why: 'approver names' },
];

/** Needed when the incident channel is private. */
export const PRIVATE_CHANNEL_SCOPE = { scope: 'groups:history', why: 'thread questions in private channels' };

export function missingScopes(granted: readonly string[], privateChannel: boolean): Array<{ scope: string; why: string }> {
  const have = new Set(granted);
  const needed = privateChannel ? [...REQUIRED_BOT_SCOPES, PRIVATE_CHANNEL_SCOPE] : REQUIRED_BOT_SCOPES;
  return needed.filter((s) => !have.has(s.scope));
}
