import { describe, expect, it } from 'vitest';
import { parseYamlDocs } from './repo-files.ts';

interface SlackAppManifest {
  _metadata: { major_version: number };
  display_information: { name: string; description?: string };
  features: {
    bot_user: { display_name: string };
    slash_commands: Array<{ command: string; description: string; usage_hint?: string; url?: string }>;
  };
  oauth_config: { scopes: { bot: string[] } };
  settings: {
    event_subscriptions: { bot_events: string[]; request_url?: string };
    interactivity: { is_enabled: boolean; request_url?: string };
    socket_mode_enabled: boolean;
  };
}

const docs = parseYamlDocs('manifests/slack-app.yaml');
const app = docs[0] as unknown as SlackAppManifest;

describe('manifests/slack-app.yaml', () => {
  it('is one manifest document of schema version 1', () => {
    expect(docs).toHaveLength(1);
    expect(app._metadata.major_version).toBe(1);
  });

  it('fits Slack display limits (name ≤ 35, description ≤ 140 characters)', () => {
    expect(app.display_information.name.length).toBeLessThanOrEqual(35);
    expect(app.features.bot_user.display_name.length).toBeLessThanOrEqual(80);
    expect((app.display_information.description ?? '').length).toBeLessThanOrEqual(140);
  });

  it('declares /sre with a description and a usage hint naming every subcommand', () => {
    const sre = app.features.slash_commands.find((c) => c.command === '/sre');
    expect(sre?.description).toBeTruthy();
    for (const sub of ['scan <namespace>', 'incidents', 'history <workload>', 'audit [n]', 'policy [namespace]', 'stats', 'help']) {
      expect(sre?.usage_hint).toContain(sub);
    }
  });

  it('asks for exactly the bot scopes the agent uses', () => {
    expect([...app.oauth_config.scopes.bot].sort()).toEqual(['channels:history', 'chat:write', 'commands', 'groups:history', 'users:read']);
  });

  it('subscribes to channel messages (thread questions) and enables the buttons', () => {
    expect(app.settings.event_subscriptions.bot_events).toEqual(expect.arrayContaining(['message.channels', 'message.groups']));
    expect(app.settings.interactivity.is_enabled).toBe(true);
  });

  it('runs in Socket Mode, so it carries no request URLs', () => {
    expect(app.settings.socket_mode_enabled).toBe(true);
    expect(app.settings.event_subscriptions.request_url).toBeUndefined();
    expect(app.settings.interactivity.request_url).toBeUndefined();
    for (const c of app.features.slash_commands) expect(c.url).toBeUndefined();
  });
});
