import { describe, expect, it } from 'vitest';
import { threadQuestion } from '../../../src/adapters/slack/thread-messages.ts';

const reply = { type: 'message', channel: 'C0INCIDENTS', user: 'U0SREALICE', text: ' why 256Mi? ', ts: '1741079005.000005', thread_ts: '1741079001.000001', client_msg_id: 'x' };

describe('threadQuestion', () => {
  it('takes a person’s reply in a thread', () => {
    expect(threadQuestion(reply)).toEqual({ channel: 'C0INCIDENTS', user: 'U0SREALICE', text: 'why 256Mi?', ts: '1741079005.000005', threadTs: '1741079001.000001' });
    expect(threadQuestion({ ...reply, subtype: 'thread_broadcast' })?.text).toBe('why 256Mi?');
  });

  it.each([
    ['a top-level message', { ...reply, thread_ts: undefined }],
    ['the thread root itself', { ...reply, thread_ts: reply.ts }],
    ['a bot message', { ...reply, bot_id: 'B0OTHER' }],
    ['a bot_message subtype', { ...reply, subtype: 'bot_message' }],
    ['an edit', { ...reply, subtype: 'message_changed' }],
    ['a deletion', { ...reply, subtype: 'message_deleted' }],
    ['a join', { ...reply, subtype: 'channel_join' }],
    ['no user', { ...reply, user: undefined }],
    ['empty text', { ...reply, text: '   ' }],
    ['non-string text', { ...reply, text: 42 }],
  ])('ignores %s', (_name, event) => {
    expect(threadQuestion(event as Record<string, unknown>)).toBeUndefined();
  });

  it('caps a huge question', () => {
    expect(threadQuestion({ ...reply, text: 'x'.repeat(50_000) })?.text).toHaveLength(4000);
  });
});
