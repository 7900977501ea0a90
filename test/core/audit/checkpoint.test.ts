import { describe, expect, it } from 'vitest';
import { checkCheckpoints, checkpointText, describeCheckpointProblem, parseCheckpointArg, parseCheckpointText } from '../../../src/core/audit/checkpoint.ts';

const HASH = '3f'.repeat(32);

describe('checkpoint text', () => {
  it('round-trips through the posted message, in any surrounding text', () => {
    const text = checkpointText({ seq: 42, hash: HASH, at: '2025-03-04T09:20:00.000Z' }, 'prod-eu');
    expect(text).toContain('Audit checkpoint of prod-eu: the audit trail has 42 entries');
    expect(parseCheckpointText(text)).toEqual({ seq: 42, hash: HASH, at: '2025-03-04T09:20:00.000Z' });
    expect(parseCheckpointText(`forwarded: ${text}`)).toMatchObject({ seq: 42 });
  });

  it.each([
    'Audit checkpoint seq 42',
    `kube-ai-sre-audit-checkpoint seq=42 hash=${HASH.slice(2)}`,
    `kube-ai-sre-audit-checkpoint seq=0 hash=${HASH}`,
    `kube-ai-sre-audit-checkpoint seq=42 hash=${HASH.toUpperCase()}`,
    `kube-ai-sre-audit-checkpoint seq=42 hash=${HASH}0`,
  ])('finds none in %j', (text) => {
    expect(parseCheckpointText(text)).toBeUndefined();
  });
});

describe('parseCheckpointArg', () => {
  it('reads SEQ:HASH, whatever the case of the hash', () => {
    expect(parseCheckpointArg(`12:${HASH.toUpperCase()}`)).toEqual({ seq: 12, hash: HASH, source: '--checkpoint' });
  });
  it.each(['12', `12-${HASH}`, `0:${HASH}`, `x:${HASH}`, `12:${HASH}0`])('refuses %j', (arg) => {
    expect(parseCheckpointArg(arg)).toHaveProperty('problem');
  });
});

describe('checkCheckpoints', () => {
  const chain = new Map([[1, 'a'.repeat(64)], [2, 'b'.repeat(64)]]);
  it('passes a checkpoint the chain holds, and names what a rewrite or a cut changed', () => {
    const [kept, rewritten, cut] = checkCheckpoints(
      [{ seq: 2, hash: 'b'.repeat(64) }, { seq: 1, hash: 'c'.repeat(64), source: 'in Slack C1 message 1.2' }, { seq: 5, hash: HASH }],
      (seq) => chain.get(seq),
    );
    expect(kept).toMatchObject({ ok: true });
    expect(rewritten).toMatchObject({ ok: false, problem: 'hash_mismatch', found: 'a'.repeat(64) });
    expect(describeCheckpointProblem(rewritten!)).toMatch(/seq 1 \(in Slack C1 message 1\.2\): .* holds hash a+ there, not c+ \(the chain was rewritten\)/);
    expect(cut).toMatchObject({ ok: false, problem: 'seq_missing' });
    expect(describeCheckpointProblem(cut!)).toMatch(/ends before it/);
  });
});
