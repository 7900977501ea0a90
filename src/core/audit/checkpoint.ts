// Audit checkpoints: the head of the chain (sequence number and hash) written somewhere Redis
// cannot reach — a Slack message, an auditor's notebook — and checked back against the chain.
// A chain whose entries all verify but that no longer holds a checkpoint's (seq, hash) was
// rewritten after that checkpoint was taken, however consistently.
import { z } from 'zod';

export interface AuditCheckpoint {
  seq: number;
  hash: string;
  /** When it was taken (ISO-8601), when known. */
  at?: string;
  /** Where it was read from: "slack C0123 1741079001.000100", "--checkpoint"... */
  source?: string;
}

export type CheckpointProblem =
  /** The chain is shorter than the checkpoint: entries up to it were removed. */
  | 'seq_missing'
  /** The chain has an entry at that seq, with another hash: the chain was rewritten. */
  | 'hash_mismatch';

export interface CheckpointCheck {
  checkpoint: AuditCheckpoint;
  ok: boolean;
  problem?: CheckpointProblem;
  /** The hash the chain holds at that seq, when it has one. */
  found?: string;
}

const HASH = /^[0-9a-f]{64}$/;
const CheckpointSchema = z.object({ seq: z.number().int().positive(), hash: z.string().regex(HASH) });

/** The line the bot posts: people read the first half, `verify --against-slack` the marker. */
export function checkpointText(cp: { seq: number; hash: string; at: string; entries?: number }, cluster?: string): string {
  const where = cluster ? ` of ${cluster}` : '';
  return [
    `:lock: Audit checkpoint${where}: the audit trail has ${cp.seq} entr${cp.seq === 1 ? 'y' : 'ies'}; its head hash is \`${cp.hash}\` (${cp.at}).`,
    `\`kube-ai-sre-audit-checkpoint seq=${cp.seq} hash=${cp.hash} at=${cp.at}\``,
    '_`kube-ai-sre audit verify --against-slack` fails if the trail in Redis no longer contains this entry._',
  ].join('\n');
}

const MARKER = /kube-ai-sre-audit-checkpoint seq=(\d{1,15}) hash=([0-9a-f]{64})(?![0-9a-fA-F])(?: at=([0-9T:.+Z-]{1,40}))?/;

/** Reads a checkpoint out of a posted message's text; undefined when it holds none. */
export function parseCheckpointText(text: string): AuditCheckpoint | undefined {
  const m = MARKER.exec(text);
  if (!m) return undefined;
  const parsed = CheckpointSchema.safeParse({ seq: Number(m[1]), hash: m[2] });
  if (!parsed.success) return undefined;
  return { ...parsed.data, ...(m[3] && !Number.isNaN(Date.parse(m[3])) ? { at: m[3] } : {}) };
}

/** `--checkpoint SEQ:HASH` as an operator types it (a hash copied from Slack or a notebook). */
export function parseCheckpointArg(arg: string): AuditCheckpoint | { problem: string } {
  const m = /^(\d{1,15}):([0-9a-fA-F]{64})$/.exec(arg.trim());
  if (!m) return { problem: `"${arg.slice(0, 80)}" is not a checkpoint: give SEQ:HASH, e.g. 42:${'0'.repeat(8)}… (64 hex characters)` };
  const seq = Number(m[1]);
  if (seq < 1) return { problem: `checkpoint sequence numbers start at 1 (got ${seq})` };
  return { seq, hash: m[2]!.toLowerCase(), source: '--checkpoint' };
}

/**
 * Compares checkpoints with the hashes the chain holds (`hashAt(seq)`, undefined past its end).
 * The chain itself must have verified: its links then tie every earlier entry to the one checked.
 */
export function checkCheckpoints(checkpoints: readonly AuditCheckpoint[], hashAt: (seq: number) => string | undefined): CheckpointCheck[] {
  return checkpoints.map((checkpoint) => {
    const found = hashAt(checkpoint.seq);
    if (found === undefined) return { checkpoint, ok: false, problem: 'seq_missing' };
    if (found !== checkpoint.hash) return { checkpoint, ok: false, problem: 'hash_mismatch', found };
    return { checkpoint, ok: true, found };
  });
}

export function describeCheckpointProblem(c: CheckpointCheck): string {
  const cp = c.checkpoint;
  const from = cp.source ? ` (${cp.source}${cp.at ? `, taken ${cp.at}` : ''})` : cp.at ? ` (taken ${cp.at})` : '';
  if (c.problem === 'seq_missing') return `checkpoint seq ${cp.seq}${from}: the chain in Redis ends before it (entries up to it were removed)`;
  return `checkpoint seq ${cp.seq}${from}: the chain in Redis holds hash ${c.found ?? '?'} there, not ${cp.hash} (the chain was rewritten)`;
}
