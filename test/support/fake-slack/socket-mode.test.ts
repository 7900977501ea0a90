// The fake's Socket Mode works with Bolt's real SocketModeReceiver: hello → envelope → ack.
import { App, LogLevel, SocketModeReceiver } from '@slack/bolt';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeSlack, type FakeSlack } from './index.ts';

let fake: FakeSlack | undefined;
let app: App | undefined;

afterEach(async () => {
  await app?.stop().catch(() => undefined);
  await fake?.close();
  app = undefined;
  fake = undefined;
});

async function startApp(register: (app: App) => void): Promise<{ fake: FakeSlack; app: App }> {
  fake = await startFakeSlack();
  const clientOptions = { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } };
  // A short client ping timeout also makes the reconnect after `disconnect` quick.
  const receiver = new SocketModeReceiver({ appToken: fake.identity.appToken, clientPingTimeout: 1000, logLevel: LogLevel.ERROR, installerOptions: { clientOptions } });
  app = new App({ token: fake.identity.botToken, receiver, clientOptions, logLevel: LogLevel.ERROR });
  register(app);
  await app.start();
  await fake.socket.waitForConnection();
  return { fake, app };
}

describe('fake Slack Socket Mode', () => {
  it('delivers a slash command and receives the ack with its payload, then respond() reaches the response_url', async () => {
    const { fake } = await startApp((a) =>
      a.command('/sre', async ({ ack, command, respond }) => {
        await ack(`scanning ${command.text}`);
        await respond({ text: `scan of ${command.text} finished`, response_type: 'ephemeral' });
      }),
    );
    const payload = fake.payloads.slashCommand({ text: 'demo' });
    const ack = await fake.socket.sendPayload(payload);
    expect(ack.payload).toEqual({ text: 'scanning demo' });
    const posted = await fake.waitForResponse();
    expect(posted.url).toBe(payload.body.response_url);
    expect(posted.body).toMatchObject({ text: 'scan of demo finished', response_type: 'ephemeral' });
  });

  it('delivers a button click and a thread reply', async () => {
    const seen: string[] = [];
    const { fake } = await startApp((a) => {
      a.action('incident_approve', async ({ ack, body }) => {
        await ack();
        seen.push(`approve:${(body as { actions: Array<{ value: string }> }).actions[0]!.value}`);
      });
      a.message(async ({ message }) => {
        if ('thread_ts' in message && message.thread_ts) seen.push(`reply:${message.text}`);
      });
    });
    const click = await fake.socket.sendPayload(fake.payloads.blockAction({ actionId: 'incident_approve', value: 'inc-7f3a9c2e', message: { ts: '1741079001.000001' } }));
    expect(click.envelope_id).toEqual(expect.any(String));
    await fake.socket.sendPayload(fake.payloads.messageEvent({ text: 'why 256Mi?', thread_ts: '1741079001.000001', ts: '1741079002.000002' }));
    await expect.poll(() => seen).toEqual(['approve:inc-7f3a9c2e', 'reply:why 256Mi?']);
  });

  it('fails the sender when the app never acks (Slack’s 3 s rule)', async () => {
    const { fake } = await startApp((a) =>
      a.command('/sre', async () => {
        // never acks
      }),
    );
    await expect(fake.socket.sendPayload(fake.payloads.slashCommand({ text: 'demo' }), { ackTimeoutMs: 500 })).rejects.toThrow(/not acked within 500 ms/);
  });

  it('makes the client reconnect through apps.connections.open after a disconnect frame', async () => {
    const { fake } = await startApp((a) => a.command('/sre', async ({ ack }) => ack()));
    expect(fake.callsTo('apps.connections.open')).toHaveLength(1);
    fake.socket.disconnect('refresh_requested');
    await fake.socket.waitForConnection(2);
    expect(fake.callsTo('apps.connections.open').length).toBeGreaterThanOrEqual(2);
    const ack = await fake.socket.sendPayload(fake.payloads.slashCommand({ text: 'help' }));
    expect(ack.envelope_id).toEqual(expect.any(String));
  });

  it('hands an envelope to the connection asked for, as Slack spreads them over an app\'s connections', async () => {
    const { fake } = await startApp((a) => a.command('/sre', async ({ ack }) => ack('first app')));
    const clientOptions = { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } };
    const receiver = new SocketModeReceiver({ appToken: fake.identity.appToken, logLevel: LogLevel.ERROR, installerOptions: { clientOptions } });
    const second = new App({ token: fake.identity.botToken, receiver, clientOptions, logLevel: LogLevel.ERROR });
    second.command('/sre', async ({ ack }) => ack('second app'));
    await second.start();
    try {
      await fake.socket.waitForConnection(2);
      const answer = async (connection?: number) => (await fake.socket.sendPayload(fake.payloads.slashCommand({ text: 'help' }), connection === undefined ? {} : { connection })).payload;
      expect([await answer(0), await answer(1), await answer()]).toEqual([{ text: 'first app' }, { text: 'second app' }, { text: 'second app' }]);
      await expect(answer(2)).rejects.toThrow(/no open Socket Mode connection #2 \(2 open\)/);
    } finally {
      await second.stop();
    }
  });
});
