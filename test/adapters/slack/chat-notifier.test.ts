import { webApi } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boltLogger } from '../../../src/adapters/slack/bolt-logger.ts';
import { createChatNotifier, postToResponseUrl } from '../../../src/adapters/slack/chat-notifier.ts';
import { silentLogger } from '../../../src/logging.ts';
import { isAppError } from '../../../src/core/errors.ts';
import type { ChatNotifier } from '../../../src/ports.ts';
import { incidentReport } from '../../fixtures/incidents/report.ts';
import { startFakeSlack, type FakeSlack } from '../../support/fake-slack/index.ts';
import { recordingLogger } from './harness.ts';

let fake: FakeSlack;
let notifier: ChatNotifier;
const errors: Array<[string, string]> = [];
const logger = recordingLogger();

function client(token: string): webApi.WebClient {
  return new webApi.WebClient(token, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 1, minTimeout: 10, maxTimeout: 20, factor: 1 }, rejectRateLimitedCalls: false, logger: boltLogger(silentLogger) });
}

beforeAll(async () => {
  fake = await startFakeSlack();
  notifier = createChatNotifier({ client: client(fake.identity.botToken), channelId: 'C0INCIDENTS', logger, onSlackError: (m, e) => errors.push([m, e]) });
});

afterAll(async () => {
  await fake.close();
});

async function failure(p: Promise<unknown>) {
  try {
    await p;
  } catch (err) {
    if (isAppError(err)) return { code: err.code, error: err.details?.error, method: err.details?.method };
    throw err;
  }
  throw new Error('expected a failure');
}

describe('ChatNotifier over the Web API', () => {
  it('posts an incident message with its buttons and returns where it landed', async () => {
    const report = incidentReport();
    const ref = await notifier.postIncident(report);
    expect(ref.channel).toBe('C0INCIDENTS');
    const stored = fake.message('C0INCIDENTS', ref.ts);
    expect(stored?.bot_id).toBe(fake.identity.botId);
    expect(JSON.stringify(stored?.blocks)).toContain('"action_id":"incident_approve"');
    expect(stored?.text).toContain('OOM crash loop in demo');
  });

  it('re-renders the message in place for a decision and for a resolution', async () => {
    const ref = await notifier.postIncident(incidentReport());
    const approved = incidentReport({ status: 'approved', decision: { action: 'approve', userId: 'U0SREALICE', userName: 'alice', at: '2025-03-04T09:20:00Z' }, slack: ref });
    await notifier.updateIncident({ ...approved, slack: ref });
    let blocks = JSON.stringify(fake.message(ref.channel, ref.ts)?.blocks);
    expect(blocks).toContain('Approved* by <@U0SREALICE>');
    expect(blocks).not.toContain('incident_approve');
    await notifier.updateIncident({ ...approved, status: 'resolved', resolvedAt: '2025-03-05T00:00:00Z', slack: ref });
    blocks = JSON.stringify(fake.message(ref.channel, ref.ts)?.blocks);
    expect(blocks).toContain('Resolved');
    expect(fake.message(ref.channel, ref.ts)?.history).toHaveLength(2);
  });

  it('posts plain text to the channel or into a thread', async () => {
    const root = await notifier.postText('Scan of demo: 1 memory incident.');
    const reply = await notifier.postText('an answer', { threadTs: root.ts, channel: root.channel });
    expect(fake.threadReplies(root.channel, root.ts).map((m) => [m.ts, m.text])).toEqual([[reply.ts, 'an answer']]);
  });

  it.each([
    ['channel_not_found', 'slack_error'],
    ['invalid_blocks', 'slack_error'],
    ['ratelimited', 'slack_rate_limited'],
  ])('maps a Slack %s to %s and reports it', async (error, code) => {
    errors.length = 0;
    fake.failNext('chat.postMessage', error);
    expect(await failure(notifier.postIncident(incidentReport()))).toEqual({ code, error, method: 'chat.postMessage' });
    expect(errors).toEqual([['chat.postMessage', error]]);
  });

  it('maps not_in_channel and message_not_found from the real checks of the fake', async () => {
    const elsewhere = createChatNotifier({ client: client(fake.identity.botToken), channelId: 'C0GENERAL', logger });
    expect(await failure(elsewhere.postText('hello'))).toMatchObject({ code: 'slack_error', error: 'not_in_channel' });
    expect(await failure(notifier.updateIncident({ ...incidentReport(), slack: { channel: 'C0INCIDENTS', ts: '1.000001' } }))).toMatchObject({ code: 'slack_error', error: 'message_not_found' });
  });

  it('maps a bad token to invalid_auth', async () => {
    const bad = createChatNotifier({ client: client('xoxb-wrong-token-000000'), channelId: 'C0INCIDENTS', logger });
    expect(await failure(bad.postText('hello'))).toEqual({ code: 'slack_error', error: 'invalid_auth', method: 'chat.postMessage' });
  });

  it('retries HTTP 429 with Retry-After, and reports slack_rate_limited when it persists', async () => {
    fake.failNext('chat.postMessage', { status: 429, retryAfter: 0 }, 1);
    const ok = await notifier.postText('after one 429');
    expect(fake.message(ok.channel, ok.ts)?.text).toBe('after one 429');
    fake.failNext('chat.postMessage', { status: 429, retryAfter: 0 }, 2);
    expect(await failure(notifier.postText('rate limited'))).toMatchObject({ code: 'slack_rate_limited', error: 'ratelimited' });
  });

  it('reports HTTP 5xx that outlast the retries as slack_error', async () => {
    fake.failNext('chat.update', { status: 503 }, 2);
    const ref = await notifier.postIncident(incidentReport());
    expect(await failure(notifier.updateIncident({ ...incidentReport(), slack: ref }))).toMatchObject({ code: 'slack_error', error: 'http_503' });
  });
});

describe('postToResponseUrl', () => {
  it('posts the reply Slack expects', async () => {
    const url = fake.newResponseUrl();
    await postToResponseUrl(url, 'Scan of demo: no memory incidents.', { logger });
    expect((await fake.waitForResponse((r) => r.url === url)).body).toEqual({ text: 'Scan of demo: no memory incidents.', response_type: 'ephemeral', replace_original: false });
    await postToResponseUrl(url, 'shared', { responseType: 'in_channel' });
    expect(fake.responses.filter((r) => r.url === url).map((r) => r.body.response_type)).toEqual(['ephemeral', 'in_channel']);
  });

  it('logs instead of throwing when the URL is expired or unreachable', async () => {
    const before = logger.records.length;
    await expect(postToResponseUrl(`${fake.url}/response/T0-unknown`, 'late', { logger })).resolves.toBeUndefined();
    await expect(postToResponseUrl('http://127.0.0.1:1/response/x', 'nowhere', { logger, timeoutMs: 2000 })).resolves.toBeUndefined();
    expect(logger.records.slice(before).map((r) => r.msg)).toEqual(['response_url refused the reply', 'response_url reply failed']);
  });
});
