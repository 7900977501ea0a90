import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { missingScopes, PRIVATE_CHANNEL_SCOPE, REQUIRED_BOT_SCOPES } from '../../../src/core/doctor/slack-scopes.ts';

const manifest = parse(readFileSync(fileURLToPath(new URL('../../../manifests/slack-app.yaml', import.meta.url)), 'utf8')) as {
  oauth_config: { scopes: { bot: string[] } };
};

describe('bot scopes', () => {
  it('are all declared by the Slack app manifest', () => {
    for (const s of [...REQUIRED_BOT_SCOPES, PRIVATE_CHANNEL_SCOPE]) expect(manifest.oauth_config.scopes.bot).toContain(s.scope);
  });

  it('names what is missing, groups:history only for a private channel', () => {
    expect(missingScopes(manifest.oauth_config.scopes.bot, true)).toEqual([]);
    expect(missingScopes(['commands', 'users:read'], false).map((m) => m.scope)).toEqual(['chat:write', 'channels:history']);
    expect(missingScopes(['commands', 'chat:write', 'channels:history', 'users:read'], true).map((m) => m.scope)).toEqual(['groups:history']);
  });
});
