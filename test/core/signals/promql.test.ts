import { describe, expect, it } from 'vitest';
import { minutes, quote, selector } from '../../../src/core/signals/promql.ts';

describe('PromQL text', () => {
  it.each([
    ['web-1', '"web-1"'],
    ['a"b', '"a\\"b"'],
    ['back\\slash', '"back\\\\slash"'],
    ['new\nline', '"new\\nline"'],
    ['"}) or vector(1) #', '"\\"}) or vector(1) #"'],
  ])('quotes %j as one string literal', (value, expected) => {
    expect(quote(value)).toBe(expected);
  });

  it('builds selectors from names, leaving out unknown ones, with raw matchers after', () => {
    expect(selector({ namespace: 'demo', pod: 'web-1', container: undefined }, ['container!=""'])).toBe('{namespace="demo",pod="web-1",container!=""}');
  });

  it('writes windows in whole minutes, never below one', () => {
    expect(minutes(10)).toBe('10m');
    expect(minutes(0.2)).toBe('1m');
  });
});
