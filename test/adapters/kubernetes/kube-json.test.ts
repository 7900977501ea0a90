// Reading list pages item by item gives what JSON.parse of the whole page gives: the same items in
// the same order, the same paging fields, and the same refusal of text that is not JSON.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseListItems, toListPage } from '../../../src/adapters/kubernetes/kube-json.ts';

function both(text: string) {
  let whole: { items: unknown[]; continueToken?: string; resourceVersion?: string } | Error;
  try {
    whole = toListPage(JSON.parse(text));
  } catch (err) {
    whole = err as Error;
  }
  const items: unknown[] = [];
  let split: typeof whole;
  try {
    const page = parseListItems(text, (item) => items.push(item));
    split = { ...page, items };
  } catch (err) {
    split = err as Error;
  }
  return { whole, split };
}

const tricky = fc.oneof(fc.string(), fc.constantFrom('"', '\\', '\\"', '{', '}', '[', ']', 'items', '"items":[', '\\\\"', '\u2028', '😀'));
const value = fc.letrec((tie) => ({
  v: fc.oneof({ depthSize: 'small' }, tricky, fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null),
    fc.array(tie('v'), { maxLength: 4 }), fc.dictionary(tricky, tie('v'), { maxKeys: 4 })),
})).v;

describe('parseListItems', () => {
  it('matches JSON.parse on list pages the way the API server writes them', () => {
    fc.assert(fc.property(fc.array(fc.dictionary(tricky, value, { maxKeys: 5 }), { maxLength: 8 }), fc.option(tricky), fc.boolean(), (items, cont, pretty) => {
      const page = { kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '42', ...(cont !== null ? { continue: cont } : {}) }, items };
      const text = pretty ? JSON.stringify(page, null, 2) : JSON.stringify(page);
      const { whole, split } = both(text);
      expect(split).toEqual(whole);
    }), { numRuns: 300 });
  });

  it('matches JSON.parse on anything else: other shapes, items that are not objects, malformed text', () => {
    fc.assert(fc.property(value, (v) => {
      const { whole, split } = both(JSON.stringify(v) ?? 'null');
      expect(split).toEqual(whole);
    }), { numRuns: 300 });
    for (const text of ['{"items":[1,2]}', '{"items":[{"a":1},null]}', '{"items":[{"a":1}', '{"items":[{"a":1}{"b":2}]}', '{"items":[{"a":1},]}', '{"items":[,{"a":1}]}', '{"items":[{"a":1},,{"b":2}]}', '{"items":[{"a":"\\"}"}]}', '[{"items":[{}]}]', '{"metadata":{"continue":"x"},"items":[{"a":[1,{"b":"]"}]}]}', '', '{']) {
      const { whole, split } = both(text);
      expect(split instanceof Error ? 'error' : split, text).toEqual(whole instanceof Error ? 'error' : whole);
    }
  });
});
