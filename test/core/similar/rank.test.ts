import { describe, expect, it } from 'vitest';
import { cosineSimilarity, rankSimilar } from '../../../src/core/similar/rank.ts';

describe('cosineSimilarity', () => {
  it.each([
    ['identical', [1, 2, 3], [1, 2, 3], 1],
    ['same direction, other length', [1, 0], [5, 0], 1],
    ['orthogonal', [1, 0], [0, 1], 0],
    ['opposite', [1, 1], [-1, -1], -1],
    ['45 degrees', [1, 0], [1, 1], Math.SQRT1_2],
    ['different dimensions', [1, 0, 0], [1, 0], 0],
    ['a zero vector', [0, 0], [1, 1], 0],
    ['empty vectors', [], [], 0],
  ])('%s', (_name, a, b, expected) => {
    expect(cosineSimilarity(a, b)).toBeCloseTo(expected, 10);
  });
});

describe('rankSimilar', () => {
  const cand = (id: string, workload: string, vector: number[]) => ({ vector, meta: { id, workload } });
  const q = [1, 0, 0];
  const candidates = [
    cand('other-close', 'demo/Deployment/cart', [1, 0.1, 0]), // ~0.995
    cand('same-far', 'demo/Deployment/checkout', [1, 1, 0]), // ~0.707
    cand('same-close', 'demo/Deployment/checkout', [1, 0.2, 0]), // ~0.981
    cand('other-mid', 'jobs/CronJob/report', [1, 0.5, 0]), // ~0.894
    cand('unrelated', 'jobs/CronJob/report', [0, 0, 1]), // 0
    cand('wrong-size', 'demo/Deployment/checkout', [1, 0]), // 0: another model's vector
    cand('self', 'demo/Deployment/checkout', [1, 0, 0]), // 1, but it is the incident itself
  ];
  const ids = (opts: Partial<Parameters<typeof rankSimilar>[2]>) =>
    rankSimilar(q, candidates, { sameWorkload: 'demo/Deployment/checkout', k: 10, minScore: 0.5, excludeId: 'self', ...opts }).map((r) => r.meta.id);

  it.each([
    ['same workload first, then by score', {}, ['same-close', 'same-far', 'other-close', 'other-mid']],
    ['top k only', { k: 3 }, ['same-close', 'same-far', 'other-close']],
    ['k of 0', { k: 0 }, []],
    ['min score drops weak matches of the same workload too', { minScore: 0.8 }, ['same-close', 'other-close', 'other-mid']],
    ['another workload: plain score order', { sameWorkload: 'shop/Deployment/web' }, ['other-close', 'same-close', 'other-mid', 'same-far']],
    ['without an id to exclude, the incident itself is found', { excludeId: undefined }, ['self', 'same-close', 'same-far', 'other-close', 'other-mid']],
  ])('%s', (_name, opts, expected) => {
    expect(ids(opts)).toEqual(expected);
  });

  it('returns scores, and each id once', () => {
    const dup = [...candidates, cand('same-close', 'demo/Deployment/checkout', [1, 0.2, 0])];
    const ranked = rankSimilar(q, dup, { sameWorkload: 'demo/Deployment/checkout', k: 2, minScore: 0.9, excludeId: 'self' });
    expect(ranked.map((r) => r.meta.id)).toEqual(['same-close', 'other-close']);
    expect(ranked[0]!.score).toBeCloseTo(1 / Math.hypot(1, 0.2), 10);
  });
});
