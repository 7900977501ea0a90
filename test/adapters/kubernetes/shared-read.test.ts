import { describe, expect, it } from 'vitest';
import { sharedRead } from '../../../src/adapters/kubernetes/shared-read.ts';

function reader(results: Array<string | Error>) {
  let t = 0;
  let calls = 0;
  const read = sharedRead(async () => {
    const r = results[calls++]!;
    if (r instanceof Error) throw r;
    return r;
  }, 30_000, () => t);
  return { read, calls: () => calls, advance: (ms: number) => { t += ms; } };
}

describe('sharedRead', () => {
  it('answers callers from one read while it is fresh, then reads again', async () => {
    const r = reader(['nodes v1', 'nodes v2']);
    expect(await Promise.all([r.read(), r.read(), r.read()])).toEqual(['nodes v1', 'nodes v1', 'nodes v1']);
    r.advance(29_999);
    expect(await r.read()).toBe('nodes v1');
    r.advance(1);
    expect(await r.read()).toBe('nodes v2');
    expect(r.calls()).toBe(2);
  });

  it('keeps no failure: the next caller reads again at once', async () => {
    const r = reader([new Error('connection refused'), 'nodes v1']);
    await expect(r.read()).rejects.toThrow('connection refused');
    expect(await r.read()).toBe('nodes v1');
    expect(r.calls()).toBe(2);
  });
});
