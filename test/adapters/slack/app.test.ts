// Start-up, readiness and shutdown of the Slack app.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackApp, type SlackAppDeps } from '../../../src/adapters/slack/app.ts';
import { AppError } from '../../../src/core/errors.ts';
import { deliver } from '../../support/fake-slack/index.ts';
import { CHANNEL, POLICIES, startHarness, type Harness } from './harness.ts';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.close();
});

const baseDeps = (over: Partial<SlackAppDeps> = {}): SlackAppDeps => ({
  botToken: h.fake.identity.botToken,
  signingSecret: h.fake.identity.signingSecret,
  apiUrl: h.fake.apiUrl,
  port: 0,
  host: '127.0.0.1',
  channelId: CHANNEL,
  store: h.store,
  audit: h.audit,
  queue: h.queues,
  policies: POLICIES,
  clock: h.clock,
  logger: h.logger,
  ...over,
});

describe('createSlackApp', () => {
  it('refuses HTTP mode without a signing secret', () => {
    expect(() => createSlackApp(baseDeps({ signingSecret: undefined }))).toThrow(expect.objectContaining({ code: 'config_invalid' }));
  });

  it('fails start() loudly on a bad bot token, naming Slack’s error', async () => {
    const errors: string[] = [];
    const app = createSlackApp(baseDeps({ botToken: 'xoxb-not-the-right-one', onSlackError: (m, e) => errors.push(`${m}:${e}`) }));
    const err = await app.start().then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: 'slack_error', details: { method: 'auth.test', error: 'invalid_auth' } });
    expect(errors).toEqual(['auth.test:invalid_auth']);
    expect(app.port).toBeUndefined();
    await app.stop();
  });

  it('listens on the port it reports and answers Slack’s URL verification', async () => {
    expect(h.slack.port).toBeGreaterThan(0);
    const body = { contentType: 'application/json', rawBody: JSON.stringify({ token: 'x', challenge: 'c-123', type: 'url_verification' }) };
    const res = await deliver(h.eventsUrl, body, { signingSecret: h.fake.identity.signingSecret });
    expect(res.status).toBe(200);
    expect(res.text).toContain('c-123');
  });

  it('checks its Slack credentials for readiness', async () => {
    await expect(h.slack.checkAuth()).resolves.toBeUndefined();
    h.fake.failNext('auth.test', 'invalid_auth');
    await expect(h.slack.checkAuth()).rejects.toMatchObject({ code: 'slack_error', details: { error: 'invalid_auth' } });
    expect(h.slackErrors).toContainEqual({ method: 'auth.test', error: 'invalid_auth' });
  });

  it('stops listening on stop(), and stop() twice is harmless', async () => {
    const app = createSlackApp(baseDeps());
    await app.stop();
    await app.start();
    const url = `http://127.0.0.1:${app.port}/slack/events`;
    expect((await h.fake.deliver(url, h.fake.payloads.slashCommand({ text: 'help' }))).status).toBe(200);
    await app.stop();
    await app.stop();
    expect(app.port).toBeUndefined();
    await expect(h.fake.deliver(url, h.fake.payloads.slashCommand({ text: 'help' }))).rejects.toThrow();
  });
});
