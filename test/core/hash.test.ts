import { describe, expect, it } from 'vitest';
import { fnv1a64 } from '../../src/core/hash.ts';

describe('fnv1a64', () => {
  // Reference values of 64-bit FNV-1a (offset basis cbf29ce484222325, prime 100000001b3).
  it.each([
    ['', 'cbf29ce484222325'],
    ['a', 'af63dc4c8601ec8c'],
    ['foobar', '85944171f73967e8'],
  ])('%j → %s', (input, expected) => {
    expect(fnv1a64(input)).toBe(expected);
  });

  it('hashes UTF-8 bytes, so non-ASCII names are stable', () => {
    expect(fnv1a64('café')).toMatch(/^[0-9a-f]{16}$/);
    expect(fnv1a64('café')).not.toBe(fnv1a64('cafe'));
  });
});
