import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webApi } from '@slack/bolt';
import { readSlackCheckpoints } from '../../../src/adapters/slack/audit-witness.ts';
import { checkpointText } from '../../../src/core/audit/checkpoint.ts';
import { startFakeSlack, type FakeSlack } from '../../support/fake-slack/index.ts';

const CH = 'C0AUDIT';
const hash = (c: string) => c.repeat(64);

describe('readSlackCheckpoints', () => {
  let fake: FakeSlack;
  let bot: webApi.WebClient;
  beforeAll(async () => {
    fake = await startFakeSlack();
    fake.addChannel({ id: CH, name: 'audit', member: true });
    bot = new webApi.WebClient(fake.identity.botToken, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 }, logLevel: webApi.LogLevel.ERROR });
  });
  afterAll(async () => fake.close());

  it('reads the bot’s checkpoints across pages, newest first, ignoring anyone else’s', async () => {
    for (let i = 1; i <= 3; i++) await bot.chat.postMessage({ channel: CH, text: checkpointText({ seq: i * 10, hash: hash(String(i)), at: `2025-03-0${i}T00:00:00.000Z` }) });
    for (let i = 0; i < 450; i++) await bot.chat.postMessage({ channel: CH, text: `incident ${i}` });
    await bot.chat.postMessage({ channel: CH, text: checkpointText({ seq: 40, hash: hash('4'), at: '2025-03-04T00:00:00.000Z' }) });
    // Someone types a checkpoint of their own: it is not the bot's, so it does not count.
    fake.addUserMessage({ channel: CH, user: 'U0SREMALLORY', text: checkpointText({ seq: 99, hash: hash('9'), at: '2025-03-05T00:00:00.000Z' }) });

    const read = await readSlackCheckpoints({ botToken: fake.identity.botToken, channel: CH, apiUrl: fake.apiUrl });
    expect(read.checkpoints.map((c) => c.seq)).toEqual([40, 30, 20, 10]);
    expect(read.checkpoints[0]).toMatchObject({ hash: hash('4'), at: '2025-03-04T00:00:00.000Z', source: expect.stringMatching(/^in Slack C0AUDIT message \d+\.\d+$/) });
    expect(read).toMatchObject({ foreign: 1, edited: [], scanned: 455, truncated: false });
    expect(fake.callsTo('conversations.history').length).toBeGreaterThanOrEqual(3);

    const first = await readSlackCheckpoints({ botToken: fake.identity.botToken, channel: CH, apiUrl: fake.apiUrl, maxPages: 1 });
    expect(first).toMatchObject({ truncated: true, scanned: 200 });
  });

  it('reports a checkpoint message edited after it was posted', async () => {
    const posted = await bot.chat.postMessage({ channel: CH, text: checkpointText({ seq: 50, hash: hash('5'), at: '2025-03-06T00:00:00.000Z' }) });
    await bot.chat.update({ channel: CH, ts: posted.ts!, text: checkpointText({ seq: 50, hash: hash('6'), at: '2025-03-06T00:00:00.000Z' }) });
    const read = await readSlackCheckpoints({ botToken: fake.identity.botToken, channel: CH, apiUrl: fake.apiUrl });
    expect(read.edited).toEqual([expect.objectContaining({ seq: 50, hash: hash('6') })]);
    expect(read.checkpoints.map((c) => c.seq)).not.toContain(50);
  });

  it('fails with Slack’s error when the bot cannot read the channel', async () => {
    await expect(readSlackCheckpoints({ botToken: fake.identity.botToken, channel: 'C0GENERAL', apiUrl: fake.apiUrl })).rejects.toMatchObject({
      code: 'slack_error', details: { error: 'not_in_channel' },
    });
  });
});
