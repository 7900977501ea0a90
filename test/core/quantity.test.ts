import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { describeBytes, formatBytes, toBytes } from '../../src/core/quantity.ts';

const Mi = 1024 ** 2;
const Gi = 1024 ** 3;

describe('toBytes', () => {
  it.each([
    ['64Mi', 64 * Mi],
    ['1Gi', Gi],
    ['1.5Gi', 1.5 * Gi],
    ['.5Gi', 0.5 * Gi],
    ['512Ki', 512 * 1024],
    ['1Ti', 1024 * Gi],
    ['128974848', 128974848],
    ['129e6', 129e6],
    ['129M', 129e6],
    ['1G', 1e9],
    ['+1Ki', 1024],
    [' 64Mi ', 64 * Mi],
  ])('%j → %d', (q, bytes) => {
    expect(toBytes(q)).toBe(bytes);
  });

  it.each(['', 'Mi', '4 gigs', '-1Gi', 'abc', '64MiB', '64mi', '1e400', 'unlimited', '1Xi', '1.2.3Gi'])(
    '%j is not a quantity',
    (q) => {
      expect(toBytes(q)).toBeUndefined();
    },
  );

  it('never throws, whatever the input', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const b = toBytes(s);
        expect(b === undefined || (Number.isFinite(b) && b >= 0)).toBe(true);
      }),
    );
  });
});

describe('formatBytes', () => {
  it.each([
    [164 * Mi, '176Mi'],
    [160 * Mi, '160Mi'],
    [1, '16Mi'],
    [76.8 * Mi, '80Mi'],
    [1.2 * Gi, '1280Mi'],
    [1.5 * Gi, '1536Mi'],
    [2 * Gi, '2Gi'],
    [2 * Gi + 1, '2176Mi'],
    [Gi - 1, '1Gi'],
    [0, '0'],
    [-5, '0'],
  ])('%d bytes → %s', (bytes, out) => {
    expect(formatBytes(bytes)).toBe(out);
  });

  it.each([
    [1000e6, '944Mi'],
    [4 * Gi, '4Gi'],
    [100 * Mi, '96Mi'],
    [10 * Mi, '0'],
  ])('rounds %d bytes down to %s', (bytes, out) => {
    expect(formatBytes(bytes, 'down')).toBe(out);
  });

  it('rounds up to a parseable quantity never below the input, and down never above', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 512 * Gi }), (bytes) => {
        const up = toBytes(formatBytes(bytes));
        const down = toBytes(formatBytes(bytes, 'down'));
        expect(up).toBeGreaterThanOrEqual(bytes);
        expect(up! - bytes).toBeLessThan(bytes < Gi ? 16 * Mi : 128 * Mi);
        expect(down).toBeLessThanOrEqual(bytes);
      }),
    );
  });
});

describe('describeBytes', () => {
  it.each([
    [164 * Mi, '164Mi'],
    [76.8 * Mi, '76.8Mi'],
    [1.2 * Gi, '1228.8Mi'],
    [2 * Gi, '2Gi'],
    [512 * 1024, '512Ki'],
  ])('%d → %s', (bytes, out) => {
    expect(describeBytes(bytes)).toBe(out);
  });
});
