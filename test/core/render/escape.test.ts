import { describe, expect, it } from 'vitest';
import { codeBlock, codeSpan, escapeMrkdwn, mention, quote, slackDate, truncate } from '../../../src/core/render/escape.ts';

describe('escapeMrkdwn', () => {
  it.each([
    ['<!channel> deploy now', '&lt;!channel&gt; deploy now'],
    ['<@U024BE7LH> look', '&lt;@U024BE7LH&gt; look'],
    ['<https://evil.example|click me>', '&lt;https://evil.example|click me&gt;'],
    ['a & b > c', 'a &amp; b &gt; c'],
    ['already &lt; escaped', 'already &amp;lt; escaped'],
    ['plain text', 'plain text'],
  ])('%s', (input, expected) => {
    expect(escapeMrkdwn(input)).toBe(expected);
  });
});

describe('truncate', () => {
  it.each([
    ['short', 10, 'short'],
    ['exactly10!', 10, 'exactly10!'],
    ['0123456789abc', 10, '012345678…'],
    ['abc', 1, '…'],
    ['abc', 0, ''],
    // an escaped entity is never cut in half
    ['abcdef&amp;ghij', 10, 'abcdef…'],
    ['abcdefg&lt;hij', 10, 'abcdefg…'],
    ['abc&amp;defghij', 10, 'abc&amp;d…'],
    // a surrogate pair (emoji) is never split
    ['12345678😀9', 10, '12345678…'],
  ])('truncate(%j, %i) → %j', (input, max, expected) => {
    const out = truncate(input, max);
    expect(out).toBe(expected);
    expect(out.length).toBeLessThanOrEqual(Math.max(0, max));
  });
});

describe('codeSpan / codeBlock / quote', () => {
  it('keeps a span on one line, escaped, with backticks defused', () => {
    expect(codeSpan('a`b\n<!here>')).toBe('`aˋb &lt;!here&gt;`');
    expect(codeSpan('')).toBe('` `');
  });

  it('fits lines into the budget and says how many were left out', () => {
    const lines = Array.from({ length: 100 }, (_, i) => `line ${i} <!channel>`);
    const out = codeBlock(lines, 300);
    expect(out.length).toBeLessThanOrEqual(300);
    expect(out.startsWith('```\nline 0 &lt;!channel&gt;\n')).toBe(true);
    const shown = out.split('\n').filter((l) => l.startsWith('line ')).length;
    expect(out).toContain(`_… ${100 - shown} more lines not shown_`);
    expect(out).not.toContain('<!channel>');
  });

  it('cannot be closed early by a triple backtick in a log line', () => {
    const out = codeBlock(['```', '<!channel>'], 300);
    expect(out.match(/```/g)).toHaveLength(2);
  });

  it('quotes each line', () => {
    expect(quote('a\n<b>')).toBe('>a\n>&lt;b&gt;');
  });
});

describe('mention', () => {
  it.each([
    ['U024BE7LH', undefined, '<@U024BE7LH>'],
    ['W0ENTERPRISE1', undefined, '<@W0ENTERPRISE1>'],
    ['U024BE7LH|evil', undefined, 'U024BE7LH|evil'],
    ['!channel', undefined, '!channel'],
    ['not-an-id', '<!here> bob', '&lt;!here&gt; bob'],
  ])('mention(%j, %j) → %j', (id, name, expected) => {
    expect(mention(id, name)).toBe(expected);
  });
});

describe('slackDate', () => {
  it('renders a Slack date token with the ISO time as fallback', () => {
    expect(slackDate('2025-03-04T09:12:41Z')).toBe('<!date^1741079561^{date_short_pretty} {time}|2025-03-04T09:12:41.000Z>');
  });
  it('shows unparseable input as escaped text', () => {
    expect(slackDate('<!channel>')).toBe('&lt;!channel&gt;');
  });
});
