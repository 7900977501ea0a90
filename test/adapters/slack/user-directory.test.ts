import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webApi } from '@slack/bolt';
import { createUserDirectory, displayNameOf, slackUserDirectory } from '../../../src/adapters/slack/user-directory.ts';
import type { Clock } from '../../../src/ports.ts';
import { startFakeSlack, type FakeSlack } from '../../support/fake-slack/index.ts';

describe('displayNameOf', () => {
  it.each([
    [{ name: 'alice', real_name: 'Alice Martin', profile: { display_name: 'Alice M.', real_name: 'Alice Martin' } }, 'Alice M.'],
    [{ name: 'alice', real_name: 'Alice Martin', profile: { display_name: '', real_name: 'Alice  Martin ' } }, 'Alice Martin'],
    [{ name: 'alice', profile: { display_name: '  ' } }, 'alice'],
    [{}, undefined],
    [undefined, undefined],
  ])('%j → %s', (user, name) => {
    expect(displayNameOf(user)).toBe(name);
  });
});

describe('the user directory', () => {
  let fake: FakeSlack;
  let client: webApi.WebClient;
  beforeAll(async () => {
    fake = await startFakeSlack();
    client = new webApi.WebClient(fake.identity.botToken, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 }, logLevel: webApi.LogLevel.ERROR });
  });
  afterAll(async () => fake.close());

  it('looks each user up once through users.info, however many ask at once', async () => {
    const users = slackUserDirectory(client);
    const names = await Promise.all(Array.from({ length: 5 }, () => users.displayName('U0SREALICE')));
    expect(names).toEqual(Array(5).fill('Alice M.'));
    expect(await users.displayName('U0SREBOB')).toBe('bob');
    expect(await users.displayName('U0SREALICE')).toBe('Alice M.');
    expect(fake.callsTo('users.info').map((c) => c.args.user)).toEqual(['U0SREALICE', 'U0SREBOB']);
  });

  it('answers undefined for unknown users and ids that are not Slack ids, and asks again only after a while', async () => {
    let now = 0;
    const clock: Clock = { now: () => new Date(now) };
    let calls = 0;
    const users = createUserDirectory({ clock, failureTtlMs: 60_000, lookup: async () => { calls++; throw new Error('user_not_found'); } });
    expect(await users.displayName('U0NOBODY')).toBeUndefined();
    expect(await users.displayName('U0NOBODY')).toBeUndefined();
    expect(await users.displayName('not-an-id')).toBeUndefined();
    expect(calls).toBe(1);
    now += 61_000;
    await users.displayName('U0NOBODY');
    expect(calls).toBe(2);
  });

  it('does not hold a caller longer than its timeout; the late answer still fills the cache', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const users = createUserDirectory({ timeoutMs: 50, lookup: async () => { await gate; return { name: 'slow', profile: { display_name: 'Slow Poke' } }; } });
    expect(await users.displayName('U0SLOW')).toBeUndefined();
    release();
    await expect.poll(() => users.displayName('U0SLOW')).toBe('Slow Poke');
    expect(users.lookups).toBe(1);
  });
});
