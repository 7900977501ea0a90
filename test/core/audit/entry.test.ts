import { describe, expect, it } from 'vitest';
import {
  AuditEntrySchema,
  GENESIS_HASH,
  canonicalJson,
  chainEntry,
  checkLink,
  hashInput,
  type AuditEntryInput,
} from '../../../src/core/audit/entry.ts';
import { sha256Hex } from '../../../src/adapters/hash.ts';

const decision: AuditEntryInput = {
  actor: 'U024BE7LH',
  action: 'decision',
  incidentId: 'inc_7f3a9c',
  verdict: { allowed: true, policyName: 'default' },
  recommendation: { limit: '320Mi', request: '320Mi' },
  outcome: 'approved',
  details: { workload: 'Deployment/checkout', namespace: 'shop' },
};

const AT = '2025-03-14T09:26:53.000Z';

describe('canonicalJson', () => {
  it.each([
    [{ b: 1, a: { d: [3, { z: true, y: null }], c: 'x' } }, '{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}'],
    [{ keep: 'v', drop: undefined }, '{"keep":"v"}'],
    [['a', undefined, 2], '["a",null,2]'],
    ['<!channel> "quoted"', '"<!channel> \\"quoted\\""'],
  ])('%j → %s', (value, text) => {
    expect(canonicalJson(value)).toBe(text);
  });

  it('gives one text for objects that differ only in key order', () => {
    expect(canonicalJson({ x: 1, y: { b: 2, a: 1 } })).toBe(canonicalJson({ y: { a: 1, b: 2 }, x: 1 }));
  });

  it('refuses non-finite numbers rather than hashing "null"', () => {
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(TypeError);
  });
});

describe('chainEntry', () => {
  it('links to the head and hashes prevHash + canonical entry without hash', () => {
    const first = chainEntry(decision, { seq: 0, hash: GENESIS_HASH }, AT, sha256Hex);
    expect(first.seq).toBe(1);
    expect(first.prevHash).toBe(GENESIS_HASH);
    expect(first.at).toBe(AT);
    expect(hashInput(first)).toBe(
      GENESIS_HASH +
        '{"action":"decision","actor":"U024BE7LH","at":"2025-03-14T09:26:53.000Z","details":{"namespace":"shop","workload":"Deployment/checkout"},' +
        '"incidentId":"inc_7f3a9c","outcome":"approved","prevHash":"' + GENESIS_HASH + '","recommendation":{"limit":"320Mi","request":"320Mi"},' +
        '"seq":1,"verdict":{"allowed":true,"policyName":"default"}}',
    );
    expect(first.hash).toBe(sha256Hex(hashInput(first)));

    const second = chainEntry({ actor: 'system', action: 'incident_posted', outcome: 'posted', at: '2025-03-14T09:30:00.000Z' }, first, AT, sha256Hex);
    expect(second).toMatchObject({ seq: 2, prevHash: first.hash, at: '2025-03-14T09:30:00.000Z' });
    expect(AuditEntrySchema.parse(second)).toEqual(second);
  });

  it.each([
    ['an actor that is neither a user id nor system', { ...decision, actor: '<!channel>' }],
    ['an unknown action', { ...decision, action: 'cluster_patched' }],
    ['an unknown field', { ...decision, sneaky: 1 }],
    ['an empty outcome', { ...decision, outcome: '' }],
  ])('rejects %s', (_name, input) => {
    expect(() => chainEntry(input as AuditEntryInput, { seq: 0, hash: GENESIS_HASH }, AT, sha256Hex)).toThrow();
  });
});

describe('checkLink', () => {
  const first = chainEntry(decision, { seq: 0, hash: GENESIS_HASH }, AT, sha256Hex);
  const second = chainEntry({ ...decision, outcome: 'rejected' }, first, AT, sha256Hex);
  const genesis = { seq: 0, hash: GENESIS_HASH };

  it('accepts an intact link', () => {
    expect(checkLink(second, 1, first, sha256Hex)).toEqual({ ok: true, entry: second });
  });

  it.each([
    ['an edited field', { ...first, outcome: 'rejected' }, genesis, 'hash_mismatch'],
    ['a field added after hashing', { ...first, extra: 'x' }, genesis, 'unparseable'],
    ['a missing predecessor (seq gap)', second, genesis, 'seq_mismatch'],
    ['a rewritten prevHash', first, { seq: 0, hash: 'f'.repeat(64) }, 'prev_hash_mismatch'],
    ['a re-hashed edit that no longer links', { ...second, prevHash: 'a'.repeat(64) }, first, 'prev_hash_mismatch'],
  ] as const)('detects %s', (_name, raw, prev, kind) => {
    const result = checkLink(raw, 0, prev, sha256Hex);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.kind).toBe(kind);
  });
});
