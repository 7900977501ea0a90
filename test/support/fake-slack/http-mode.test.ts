// The fake's HTTP helpers produce requests Bolt's real HTTPReceiver accepts (and refuses) like Slack's.
import { App, LogLevel, isValidSlackRequest } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../test-cluster/free-port.ts';
import { slackSignature, startFakeSlack, type FakeSlack } from './index.ts';

let fake: FakeSlack;
let app: App;
let eventsUrl: string;
const seen: unknown[] = [];

beforeAll(async () => {
  fake = await startFakeSlack();
  app = new App({
    token: fake.identity.botToken,
    signingSecret: fake.identity.signingSecret,
    clientOptions: { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } },
    logLevel: LogLevel.ERROR,
  });
  app.command('/sre', async ({ ack, command }) => {
    seen.push({ command: command.command, text: command.text, user: command.user_id, channel: command.channel_id });
    await ack(`ok: ${command.text}`);
  });
  app.action('incident_reject', async ({ ack, body, action }) => {
    await ack();
    seen.push({ action: (action as { value: string }).value, user: body.user.id, ts: (body as { message: { ts: string } }).message.ts });
  });
  app.view('reject_reason', async ({ ack, view }) => {
    await ack();
    seen.push({ view: view.state.values.reason!.text!.value });
  });
  app.message(async ({ message }) => {
    seen.push({ message: 'text' in message ? message.text : undefined, thread: 'thread_ts' in message ? message.thread_ts : undefined });
  });
  app.event('message', async ({ event }) => {
    if (event.subtype === 'message_changed') seen.push({ edited: (event.message as { text: string }).text });
  });
  const port = await freePort();
  await app.start(port);
  eventsUrl = `http://127.0.0.1:${port}/slack/events`;
});

afterAll(async () => {
  await app.stop();
  await fake.close();
});

describe('fake Slack HTTP mode', () => {
  it('signs like Slack: Bolt’s own verifier accepts the signature, and only for that body, time and secret', () => {
    const body = 'token=x&team_id=T0FAKETEAM&command=%2Fsre&text=scan+demo';
    const ts = 1741079561;
    const check = (secret: string, b: string, at: number) =>
      isValidSlackRequest({ signingSecret: 'topsecret', body: b, headers: { 'x-slack-signature': slackSignature(secret, ts, body), 'x-slack-request-timestamp': ts }, nowMilliseconds: at * 1000 });
    expect(slackSignature('topsecret', ts, body)).toMatch(/^v0=[0-9a-f]{64}$/);
    expect(check('topsecret', body, ts)).toBe(true);
    expect(check('othersecret', body, ts)).toBe(false);
    expect(check('topsecret', `${body}&x=1`, ts)).toBe(false);
    expect(check('topsecret', body, ts + 301)).toBe(false);
  });

  it('delivers a slash command with every field Slack sends', async () => {
    seen.length = 0;
    const payload = fake.payloads.slashCommand({ text: 'scan demo' });
    expect(Object.keys(payload.body)).toEqual(expect.arrayContaining(['token', 'team_id', 'team_domain', 'channel_id', 'channel_name', 'user_id', 'user_name', 'command', 'text', 'api_app_id', 'response_url', 'trigger_id']));
    const res = await fake.deliver(eventsUrl, payload);
    expect(res.status).toBe(200);
    expect(res.text).toBe('ok: scan demo');
    expect(seen).toEqual([{ command: '/sre', text: 'scan demo', user: 'U0SREALICE', channel: 'C0INCIDENTS' }]);
  });

  it.each([
    ['a forged signature', { signature: 'forged' as const }],
    ['no signature', { signature: 'omit' as const }],
    ['a timestamp 10 minutes old', { staleBySec: 600 }],
  ])('gets 401 for %s', async (_name, opts) => {
    seen.length = 0;
    const res = await fake.deliver(eventsUrl, fake.payloads.slashCommand({ text: 'scan demo' }), opts);
    expect(res.status).toBe(401);
    expect(seen).toEqual([]);
  });

  it('delivers a block_actions click and a view submission', async () => {
    seen.length = 0;
    const click = await fake.deliver(eventsUrl, fake.payloads.blockAction({ actionId: 'incident_reject', value: 'inc-7f3a9c2e', user: { id: 'U0SREBOB', name: 'bob' }, message: { ts: '1741079001.000001', text: 'OOM' } }));
    expect(click.status).toBe(200);
    const submit = await fake.deliver(eventsUrl, fake.payloads.viewSubmission({ callbackId: 'reject_reason', values: { reason: { text: { type: 'plain_text_input', value: 'fixing in code' } } } }));
    expect(submit.status).toBe(200);
    expect(seen).toEqual([{ action: 'inc-7f3a9c2e', user: 'U0SREBOB', ts: '1741079001.000001' }, { view: 'fixing in code' }]);
  });

  it('delivers message events: a thread reply, an edit, and the bot’s own echo (ignored)', async () => {
    seen.length = 0;
    const reply = await fake.deliver(eventsUrl, fake.payloads.messageEvent({ text: 'why 256Mi?', thread_ts: '1741079001.000001', ts: '1741079005.000005' }));
    expect(reply.status).toBe(200);
    await fake.deliver(eventsUrl, fake.payloads.messageChanged({ ts: '1741079005.000005', text: 'why 256Mi and not 512Mi?', previousText: 'why 256Mi?' }));
    await fake.deliver(eventsUrl, fake.payloads.messageEvent({ text: 'Looking at it', bot_id: fake.identity.botId, thread_ts: '1741079001.000001' }));
    await expect.poll(() => seen.length).toBeGreaterThanOrEqual(2);
    expect(seen).toContainEqual({ message: 'why 256Mi?', thread: '1741079001.000001' });
    expect(seen).toContainEqual({ edited: 'why 256Mi and not 512Mi?' });
    expect(seen).not.toContainEqual(expect.objectContaining({ message: 'Looking at it' }));
  });
});
