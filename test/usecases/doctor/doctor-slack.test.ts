// doctor's Slack checks against the fake Slack's Web API: a good token, a revoked one, a wrong
// one, the bot not in the channel, a missing scope, Socket Mode tokens, approvers that are not
// people of the workspace. Doctor only reads: no message is posted or changed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writePolicy } from '../../support/agent-harness.ts';
import { startFakeOllama, type FakeOllama } from '../../support/fake-ollama.ts';
import { DEFAULT_USER, startFakeSlack, type FakeSlack } from '../../support/fake-slack/index.ts';
import { doctor, doctorEnv, unreachableKubeconfig } from './doctor-run.ts';

const READ_ONLY_METHODS = ['auth.test', 'conversations.history', 'apps.connections.open', 'users.info'];

describe('doctor: Slack', () => {
  let slack: FakeSlack;
  let ollama: FakeOllama;
  let env: Record<string, string | undefined>;

  beforeAll(async () => {
    slack = await startFakeSlack({ channels: [{ id: 'C0INCIDENTS', name: 'sre-incidents', member: true }, { id: 'C0GENERAL', name: 'general', member: false }] });
    ollama = await startFakeOllama();
    env = doctorEnv({ slack, ollama, kubeconfig: await unreachableKubeconfig(), policyDir: await writePolicy([DEFAULT_USER.id, 'U0SREBOB']) });
  });
  afterAll(async () => {
    await slack?.close();
    await ollama?.close();
  });

  it('passes with a good token, the bot in the channel and the app\'s scopes; reads only', async () => {
    const before = slack.calls.length;
    const r = await doctor(env);
    expect(r.check('slack.token')).toMatchObject({ status: 'ok', detail: 'valid: bot @sre-bot (U0SREBOT01) in Fake Workspace (T0FAKETEAM)' });
    expect(r.check('slack.scopes')).toMatchObject({ status: 'ok', detail: 'granted: commands, chat:write, channels:history, groups:history, users:read' });
    expect(r.check('slack.channel')).toMatchObject({ status: 'ok', detail: 'the bot is a member of C0INCIDENTS' });
    expect(r.check('slack.mode')).toMatchObject({ status: 'ok', detail: expect.stringContaining('HTTP mode: signing secret set') });
    expect(r.check('policies.approvers')).toMatchObject({ status: 'ok', detail: '@alice, @bob can approve and reject' });
    const calls = slack.calls.slice(before);
    expect([...new Set(calls.map((c) => c.method))].sort()).toEqual(['auth.test', 'conversations.history', 'users.info']);
    expect(calls.every((c) => READ_ONLY_METHODS.includes(c.method))).toBe(true);
    expect(slack.messages('C0INCIDENTS')).toEqual([]);
  });

  it('names a bot that is not in the channel, with the /invite that fixes it (exit 11)', async () => {
    const r = await doctor({ ...env, SLACK_CHANNEL_ID: 'C0GENERAL' });
    expect(r.check('slack.channel')).toMatchObject({
      status: 'fail', detail: 'the bot is not a member of C0GENERAL (not_in_channel)', fix: 'in the channel, type /invite @sre-bot',
    });
    expect(r.exitCode).toBe(11);
    expect(r.code).toBe(11);
  });

  it('names a channel ID that does not exist', async () => {
    const r = await doctor({ ...env, SLACK_CHANNEL_ID: 'C0NOSUCHCHAN' });
    expect(r.check('slack.channel')).toMatchObject({ status: 'fail', detail: 'no channel C0NOSUCHCHAN visible to the bot (channel_not_found)', fix: expect.stringContaining('not its name') });
  });

  it('names a token that is wrong or from another workspace', async () => {
    const r = await doctor({ ...env, SLACK_BOT_TOKEN: 'xoxb-9999-other-workspace' });
    expect(r.check('slack.token')).toMatchObject({ status: 'fail', detail: 'auth.test failed: invalid_auth', fix: expect.stringContaining('copy the Bot User OAuth Token') });
    // What depends on the token is skipped, not reported as more failures.
    expect(['slack.scopes', 'slack.channel'].map((id) => r.check(id).status)).toEqual(['skip', 'skip']);
    expect(r.check('policies.approvers')).toMatchObject({ status: 'ok', detail: expect.stringContaining('not looked up') });
    expect(r.exitCode).toBe(11);
  });

  it('names a revoked token and how to get a new one', async () => {
    const revoked = await startFakeSlack();
    try {
      revoked.revokeToken(revoked.identity.botToken);
      const r = await doctor({ ...env, SLACK_API_URL: revoked.apiUrl });
      expect(r.check('slack.token')).toMatchObject({ status: 'fail', detail: 'auth.test failed: token_revoked', fix: expect.stringContaining('reinstall the app') });
      expect(r.exitCode).toBe(11);
    } finally {
      await revoked.close();
    }
  });

  it('names a scope the app was installed without', async () => {
    const narrow = await startFakeSlack({ scopes: ['commands', 'chat:write', 'users:read'] });
    try {
      const r = await doctor({ ...env, SLACK_API_URL: narrow.apiUrl });
      expect(r.check('slack.scopes')).toMatchObject({
        status: 'fail', detail: 'missing channels:history (thread questions in public channels)', fix: expect.stringContaining('reinstall the app'),
      });
      expect(r.check('slack.channel')).toMatchObject({ status: 'fail', detail: 'cannot read C0INCIDENTS: missing scope' });
    } finally {
      await narrow.close();
    }
  });

  it('says when SLACK_BOT_TOKEN is missing, and skips what needs it', async () => {
    const r = await doctor({ ...env, SLACK_BOT_TOKEN: undefined, SLACK_SIGNING_SECRET: undefined, SLACK_CHANNEL_ID: undefined });
    expect(r.check('slack.token')).toMatchObject({ status: 'fail', detail: 'SLACK_BOT_TOKEN not set: incidents are stored but never posted', fix: expect.stringContaining('manifests/slack-app.yaml') });
    expect(r.check('config.env').status).toBe('ok');
  });

  it('checks the Socket Mode token with apps.connections.open, and names a wrong one', async () => {
    const good = await doctor({ ...env, SLACK_APP_TOKEN: slack.identity.appToken });
    expect(good.check('slack.mode')).toMatchObject({ status: 'ok', detail: 'Socket Mode: app-level token accepted (apps.connections.open)' });
    const bad = await doctor({ ...env, SLACK_APP_TOKEN: 'xapp-1-A0FAKEAPP1-0000-revoked' });
    expect(bad.check('slack.mode')).toMatchObject({ status: 'fail', detail: 'Socket Mode: apps.connections.open failed: invalid_auth', fix: expect.stringContaining('App-Level Tokens') });
  });

  it('names approvers who are not active people of the workspace', async () => {
    slack.addUser({ id: 'U0GONE', name: 'dave', deleted: true });
    slack.addUser({ id: 'U0ROBOT', name: 'ci-bot', is_bot: true });
    const r = await doctor({ ...env, POLICY_DIR: await writePolicy([DEFAULT_USER.id, 'U0NOBODY1', 'U0GONE', 'U0ROBOT']) });
    expect(r.check('policies.approvers')).toMatchObject({
      status: 'fail',
      detail: 'U0NOBODY1 is not a user of this workspace; U0GONE (@dave) is deactivated; U0ROBOT (@ci-bot) is a bot',
      fix: expect.stringContaining('Copy member ID'),
    });
  });

  it('names a policy without approvers', async () => {
    const r = await doctor({ ...env, POLICY_DIR: await writePolicy([]) });
    expect(r.check('policies.approvers')).toMatchObject({ status: 'fail', detail: 'no approvers in default: nobody can approve or reject its incidents' });
  });
});
