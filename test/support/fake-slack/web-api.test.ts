// The fake answers the real Slack SDK client the way Slack does.
import { webApi } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderIncidentMessage } from '../../../src/core/render/incident-blocks.ts';
import { incidentReport } from '../../fixtures/incidents/report.ts';
import { startFakeSlack, type FakeSlack } from './index.ts';

let fake: FakeSlack;
let client: webApi.WebClient;

beforeAll(async () => {
  fake = await startFakeSlack();
  client = new webApi.WebClient(fake.identity.botToken, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 }, logLevel: webApi.LogLevel.ERROR });
});
afterAll(async () => {
  await fake.close();
});

const CH = 'C0INCIDENTS';

async function platformError(p: Promise<unknown>): Promise<{ code: string; error: string; data: Record<string, unknown> }> {
  const err = (await p.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: unknown) => e,
  )) as { code: string; data: { error: string } & Record<string, unknown> };
  return { code: err.code, error: err.data?.error, data: err.data };
}

describe('fake Slack Web API with the real WebClient', () => {
  it('answers auth.test for the bot token and records the bearer header', async () => {
    const res = await client.auth.test();
    expect(res).toMatchObject({ ok: true, team_id: 'T0FAKETEAM', user_id: 'U0SREBOT01', bot_id: 'B0SREBOT01', url: 'https://fake-workspace.slack.com/' });
    const call = fake.callsTo('auth.test').at(-1)!;
    expect(call.authorization).toBe(`Bearer ${fake.identity.botToken}`);
    expect(call.contentType).toBe('application/x-www-form-urlencoded');
  });

  it('refuses a wrong bot token with invalid_auth', async () => {
    const bad = new webApi.WebClient('xoxb-not-the-token', { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 }, logLevel: webApi.LogLevel.ERROR });
    const err = await platformError(bad.auth.test());
    expect(err).toMatchObject({ code: 'slack_webapi_platform_error', error: 'invalid_auth' });
  });

  it('posts, threads and updates messages with increasing ts and decoded blocks', async () => {
    const msg = renderIncidentMessage(incidentReport());
    const parent = await client.chat.postMessage({ channel: CH, text: msg.text, blocks: msg.blocks as never });
    expect(parent).toMatchObject({ ok: true, channel: CH, message: { text: msg.text, bot_id: 'B0SREBOT01' } });
    const call = fake.callsTo('chat.postMessage').at(-1)!;
    expect(call.args.blocks).toEqual(msg.blocks);

    const reply = await client.chat.postMessage({ channel: CH, thread_ts: parent.ts!, text: 'Looking at the previous logs now.' });
    expect(Number(reply.ts)).toBeGreaterThan(Number(parent.ts));
    expect(fake.threadReplies(CH, parent.ts!).map((m) => m.text)).toEqual(['Looking at the previous logs now.']);

    const question = fake.addUserMessage({ channel: CH, user: 'U0SREALICE', text: 'why 256Mi?', thread_ts: parent.ts! });
    const thread = await client.conversations.replies({ channel: CH, ts: parent.ts! });
    expect(thread.messages!.map((m) => m.ts)).toEqual([parent.ts, reply.ts, question.ts]);
    expect(thread.messages![0]).toMatchObject({ reply_count: 2, thread_ts: parent.ts });

    const paged = await client.conversations.replies({ channel: CH, ts: parent.ts!, limit: 2 });
    expect(paged).toMatchObject({ has_more: true, response_metadata: { next_cursor: 'cursor_2' } });

    const updated = await client.chat.update({ channel: CH, ts: parent.ts!, text: 'Approved by alice', blocks: [] });
    expect(updated).toMatchObject({ ok: true, channel: CH, ts: parent.ts, text: 'Approved by alice' });
    const stored = fake.message(CH, parent.ts!)!;
    expect(stored.text).toBe('Approved by alice');
    expect(stored.history[0]!.text).toBe(msg.text);
  });

  it.each([
    ['an unknown channel', { channel: 'C0NOPE', text: 'x' }, 'channel_not_found'],
    ['a channel the bot is not in', { channel: 'C0GENERAL', text: 'x' }, 'not_in_channel'],
    ['no fallback text', { channel: CH, blocks: [{ type: 'divider' }] }, 'no_text'],
    ['fallback text over 4000', { channel: CH, text: 'x'.repeat(4001) }, 'msg_too_long'],
    ['51 blocks', { channel: CH, text: 'x', blocks: Array.from({ length: 51 }, () => ({ type: 'divider' })) }, 'invalid_blocks'],
    ['a section over 3000', { channel: CH, text: 'x', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'y'.repeat(3001) } }] }, 'invalid_blocks'],
    ['a header over 150', { channel: CH, text: 'x', blocks: [{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } }] }, 'invalid_blocks'],
    [
      'a button value over 2000',
      { channel: CH, text: 'x', blocks: [{ type: 'actions', elements: [{ type: 'button', action_id: 'a', text: { type: 'plain_text', text: 'Go' }, value: 'v'.repeat(2001) }] }] },
      'invalid_blocks',
    ],
    [
      'an action_id over 255',
      { channel: CH, text: 'x', blocks: [{ type: 'actions', elements: [{ type: 'button', action_id: 'a'.repeat(256), text: { type: 'plain_text', text: 'Go' } }] }] },
      'invalid_blocks',
    ],
    ['too much in total', { channel: CH, text: 'x', blocks: Array.from({ length: 20 }, () => ({ type: 'section', text: { type: 'mrkdwn', text: 'y'.repeat(3000) } })) }, 'msg_blocks_too_long'],
  ])('refuses a post to %s', async (_name, args, error) => {
    const err = await platformError(client.chat.postMessage(args as never));
    expect(err.error).toBe(error);
    if (error === 'invalid_blocks') expect((err.data.errors as string[])[0]).toMatch(/\[json-pointer:\/blocks/);
  });

  it('refuses to update a message that does not exist or is not the bot’s', async () => {
    expect((await platformError(client.chat.update({ channel: CH, ts: '1.000001', text: 'x' }))).error).toBe('message_not_found');
    const human = fake.addUserMessage({ channel: CH, user: 'U0SREBOB', text: 'hello' });
    expect((await platformError(client.chat.update({ channel: CH, ts: human.ts, text: 'x' }))).error).toBe('cant_update_message');
  });

  it('fails programmed calls and recovers', async () => {
    fake.failNext('chat.postMessage', 'channel_not_found');
    expect((await platformError(client.chat.postMessage({ channel: CH, text: 'a' }))).error).toBe('channel_not_found');
    expect((await client.chat.postMessage({ channel: CH, text: 'b' })).ok).toBe(true);
  });

  it('answers 429 with Retry-After: rejected at once when asked, retried otherwise', async () => {
    const strict = new webApi.WebClient(fake.identity.botToken, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, logLevel: webApi.LogLevel.ERROR });
    fake.failNext('chat.postMessage', { status: 429, retryAfter: 7 });
    const err = (await strict.chat.postMessage({ channel: CH, text: 'a' }).catch((e: unknown) => e)) as { code: string; retryAfter: number };
    expect(err).toMatchObject({ code: 'slack_webapi_rate_limited_error', retryAfter: 7 });

    const patient = new webApi.WebClient(fake.identity.botToken, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 1, minTimeout: 0, maxTimeout: 0 }, logLevel: webApi.LogLevel.ERROR });
    fake.failNext('chat.postMessage', { status: 429, retryAfter: 1 });
    const before = fake.callsTo('chat.postMessage').length;
    const ok = await patient.chat.postMessage({ channel: CH, text: 'after the pause' });
    expect(ok.ok).toBe(true);
    expect(fake.callsTo('chat.postMessage').slice(before).map((c) => c.status)).toEqual([429, 200]);
  });

  it('answers postEphemeral, views.open and users.info in Slack’s shapes', async () => {
    const eph = await client.chat.postEphemeral({ channel: CH, user: 'U0SREBOB', text: 'Only approvers can decide.' });
    expect(eph).toMatchObject({ ok: true, message_ts: expect.stringMatching(/^\d+\.\d{6}$/) });
    expect(fake.ephemerals.at(-1)).toMatchObject({ user: 'U0SREBOB', text: 'Only approvers can decide.' });

    const view = await client.views.open({
      trigger_id: '123.456.abc',
      view: { type: 'modal', callback_id: 'reject_reason', title: { type: 'plain_text', text: 'Reject' }, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'Why?' } }] },
    });
    expect(view.view).toMatchObject({ id: expect.stringMatching(/^V0/), callback_id: 'reject_reason' });

    const user = await client.users.info({ user: 'U0SREALICE' });
    expect(user.user).toMatchObject({ id: 'U0SREALICE', name: 'alice', real_name: 'Alice Martin', is_bot: false, profile: { display_name: 'Alice M.' } });
    expect((await platformError(client.users.info({ user: 'U0NOBODY' }))).error).toBe('user_not_found');
  });

  it('pages conversations.history newest first with a cursor', async () => {
    const ch = 'C0HISTORY';
    fake.addChannel({ id: ch, name: 'history', member: true });
    for (let i = 0; i < 5; i++) await client.chat.postMessage({ channel: ch, text: `m${i}` });
    const first = await client.conversations.history({ channel: ch, limit: 2 });
    expect(first.messages?.map((m) => m.text)).toEqual(['m4', 'm3']);
    expect(first.has_more).toBe(true);
    const second = await client.conversations.history({ channel: ch, limit: 2, cursor: first.response_metadata!.next_cursor! });
    const third = await client.conversations.history({ channel: ch, limit: 2, cursor: second.response_metadata!.next_cursor! });
    expect([...second.messages!, ...third.messages!].map((m) => m.text)).toEqual(['m2', 'm1', 'm0']);
    expect([third.has_more, third.response_metadata?.next_cursor]).toEqual([false, '']);
    expect((await platformError(client.conversations.history({ channel: ch, cursor: 'bogus' }))).error).toBe('invalid_cursor');
  });

  it('opens a Socket Mode connection only for the app-level token', async () => {
    const appClient = new webApi.WebClient(fake.identity.appToken, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 }, logLevel: webApi.LogLevel.ERROR });
    const res = await appClient.apps.connections.open();
    expect(res.url).toMatch(new RegExp(`^ws://127\\.0\\.0\\.1:\\d+/socket-mode/link/\\?ticket=`));
    expect((await platformError(client.apps.connections.open())).error).toBe('not_allowed_token_type');
  });
});

describe('fake Slack response_url', () => {
  it('records what an app POSTs, up to Slack’s 5 uses, and refuses unknown urls', async () => {
    const url = fake.newResponseUrl();
    for (let i = 0; i < 5; i++) {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: `update ${i}`, replace_original: true }) });
      expect(res.status).toBe(200);
    }
    const sixth = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"text":"again"}' });
    expect([sixth.status, await sixth.text()]).toEqual([404, 'used_url']);
    expect(fake.responses.filter((r) => r.url === url).map((r) => r.body.text)).toEqual(['update 0', 'update 1', 'update 2', 'update 3', 'update 4']);
    const unknown = await fetch(`${fake.url}/response/T0FAKETEAM-nope`, { method: 'POST', body: '{}' });
    expect(unknown.status).toBe(404);
  });
});
