import { describe, expect, it } from 'vitest';
import { bearerMatches } from '../../../src/adapters/http/bearer-token.ts';

const TOKEN = 'am-token-0123456789abcdef';

describe('bearerMatches', () => {
  it.each([
    [`Bearer ${TOKEN}`, true],
    [`bearer ${TOKEN}`, true],
    [`Bearer  ${TOKEN} `, true],
    [undefined, false],
    ['', false],
    ['Bearer', false],
    [`Basic ${TOKEN}`, false],
    [TOKEN, false],
    [`Bearer ${TOKEN}x`, false],
    [`Bearer ${TOKEN.slice(0, -1)}`, false],
    [`Bearer ${TOKEN} extra`, false],
    ['Bearer ', false],
  ])('%j → %s', (header, ok) => {
    expect(bearerMatches(header, TOKEN)).toBe(ok);
  });
});
