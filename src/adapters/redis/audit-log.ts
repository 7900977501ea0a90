// The audit trail in a Redis stream (`<prefix>audit`) with its chain head in a hash
// (`<prefix>audit:head`). SHA-256 is computed here, so appends are optimistic: read the head,
// build the entry, and let a Lua script add it only if the head has not moved (compare-and-set).
// Concurrent appenders therefore never fork the chain; a loser re-reads the head and retries.
//
// With replicas (Redis Sentinel), an append is confirmed by a replica before it resolves
// (WAIT 1 <ms>), so an entry the agent reported as written survives losing the master. WAIT
// blocks its connection, so the audit log should have a connection of its own.
import type { Redis } from 'ioredis';
import { AppError } from '../../core/errors.ts';
import {
  GENESIS_HASH,
  chainEntry,
  checkLink,
  type AuditEntry,
  type AuditEntryInput,
} from '../../core/audit/entry.ts';
import { checkCheckpoints } from '../../core/audit/checkpoint.ts';
import type { AuditVerifyOptions } from '../../core/audit/verify-result.ts';
import type { AuditLog, AuditVerifyResult, Clock } from '../../ports.ts';
import { systemClock } from '../../ports.ts';
import { sha256Hex } from '../hash.ts';
import { isUnavailableError } from './connection.ts';

/** Why no replica confirmed an entry: none connected, none within the wait, or the check itself was refused. */
export type UnconfirmedReason = 'no_replica' | 'timeout' | 'refused';

export interface ReplicaAck {
  /** WAIT's timeout; 0 turns the confirmation off. */
  timeoutMs: number;
  /**
   * Whether a replica is expected (Redis Sentinel): then a master without replicas is reported
   * for every entry. Otherwise a Redis without replicas is a single node by choice, and only a
   * replica that exists but does not confirm is reported.
   */
  expectReplica: boolean;
  /** Told of every entry that no replica confirmed (the entry is written on the master). */
  onUnconfirmed(seq: number, reason: UnconfirmedReason, detail: string): void;
}

// KEYS[1] stream, KEYS[2] head; ARGV: expected head seq, new seq, new hash, entry JSON.
const APPEND_IF_HEAD = `
local head = redis.call('HMGET', KEYS[2], 'seq', 'hash')
local seq = tonumber(head[1]) or 0
if seq ~= tonumber(ARGV[1]) then return {0, tostring(seq)} end
local id = redis.call('XADD', KEYS[1], '*', 'seq', ARGV[2], 'hash', ARGV[3], 'entry', ARGV[4])
redis.call('HSET', KEYS[2], 'seq', ARGV[2], 'hash', ARGV[3])
return {1, id}
`;

const MAX_ATTEMPTS = 200;
const PAGE = 500;
// How many times verify follows appends made while it read before calling the tail missing.
const VERIFY_ROUNDS = 20;

type StreamRow = [id: string, fields: string[]];

export class RedisAuditLog implements AuditLog {
  readonly #redis: Redis;
  readonly #stream: string;
  readonly #head: string;
  readonly #clock: Clock;
  readonly #ack: ReplicaAck | undefined;
  // Appends from this process go one at a time; the CAS only has to settle races between processes.
  #queue: Promise<unknown> = Promise.resolve();

  constructor(redis: Redis, prefix: string, clock: Clock = systemClock, opts: { replicaAck?: ReplicaAck } = {}) {
    this.#redis = redis;
    this.#stream = `${prefix}audit`;
    this.#head = `${prefix}audit:head`;
    this.#clock = clock;
    this.#ack = opts.replicaAck && opts.replicaAck.timeoutMs > 0 ? opts.replicaAck : undefined;
  }

  append(input: AuditEntryInput): Promise<AuditEntry> {
    const run = this.#queue.then(() => this.#appendNow(input));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #appendNow(input: AuditEntryInput): Promise<AuditEntry> {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const head = await this.#readHead();
      const entry = chainEntry(input, head, this.#clock.now().toISOString(), sha256Hex);
      const result = (await this.#redis.eval(
        APPEND_IF_HEAD, 2, this.#stream, this.#head,
        String(head.seq), String(entry.seq), entry.hash, JSON.stringify(entry),
      )) as [number, string];
      if (result[0] === 1) {
        await this.#confirm(entry.seq);
        return entry;
      }
      // Someone else appended first: yield briefly so the winner's writes settle, then retry.
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 5 * Math.min(attempt, 10))));
    }
    throw new AppError('store_unavailable', 'audit append kept losing the race for the chain head', { attempts: MAX_ATTEMPTS });
  }

  /**
   * Waits until a replica has the entry (and everything written before it). A connection lost
   * right after the write throws: the entry may have died with the master, so the caller retries
   * (at worst the trail holds the entry twice, never not at all).
   */
  async #confirm(seq: number): Promise<void> {
    const ack = this.#ack;
    if (!ack) return;
    try {
      // WAIT without any replica blocks for the whole timeout: ask first.
      const replicas = connectedReplicas(await this.#redis.call('ROLE'));
      if (replicas === 0) {
        if (ack.expectReplica) ack.onUnconfirmed(seq, 'no_replica', 'the master has no connected replica');
        return;
      }
      const confirmed = Number(await this.#redis.call('WAIT', '1', String(ack.timeoutMs)));
      if (confirmed < 1) ack.onUnconfirmed(seq, 'timeout', `none of ${replicas} replica(s) confirmed within ${ack.timeoutMs} ms`);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (isUnavailableError(err)) {
        throw new AppError('store_unavailable', `audit entry seq ${seq} was written, but the connection was lost before a replica confirmed it: ${message}`, { seq }, { cause: err });
      }
      // An ACL that forbids ROLE or WAIT: the entry is written; say it went unconfirmed.
      ack.onUnconfirmed(seq, 'refused', message);
    }
  }

  /** The chain's head as the last append left it (seq 0 and the genesis hash when empty). */
  head(): Promise<{ seq: number; hash: string }> {
    return this.#readHead();
  }

  async #readHead(): Promise<{ seq: number; hash: string }> {
    const [seq, hash] = await this.#redis.hmget(this.#head, 'seq', 'hash');
    return seq && hash ? { seq: Number(seq), hash } : { seq: 0, hash: GENESIS_HASH };
  }

  async latest(n: number): Promise<AuditEntry[]> {
    if (!Number.isInteger(n) || n <= 0) return [];
    const rows = (await this.#redis.xrevrange(this.#stream, '+', '-', 'COUNT', n)) as StreamRow[];
    return rows.map((row) => parseRow(row));
  }

  async *export(): AsyncIterable<AuditEntry> {
    for await (const row of this.#rows()) yield parseRow(row);
  }

  async verify(opts: AuditVerifyOptions = {}): Promise<AuditVerifyResult> {
    let prev = { seq: 0, hash: GENESIS_HASH };
    let index = 0;
    let lastId = '-';
    // Only the hashes at the checkpoints' sequence numbers are kept, however long the chain.
    const wanted = new Set((opts.checkpoints ?? []).map((c) => c.seq));
    const hashes = new Map<number, string>();
    const bad = (problem: string): AuditVerifyResult => ({ ok: false, entries: index, firstBadIndex: index, problem });

    // The bot keeps appending while a verify reads: the head is read after the stream, and when it
    // has moved on, the entries appended meanwhile are read and checked too before it is compared.
    for (let round = 0; ; round++) {
      for await (const row of this.#rows(lastId)) {
        const fields = fieldMap(row[1]);
        let raw: unknown;
        try {
          raw = JSON.parse(fields.entry ?? '');
        } catch {
          return bad(`entry ${index} is not JSON`);
        }
        const link = checkLink(raw, index, prev, sha256Hex);
        if (!link.ok) return bad(link.problem);
        // The indexed copies of seq/hash must agree with the entry they describe.
        if (fields.seq !== String(link.entry.seq) || fields.hash !== link.entry.hash) {
          return bad(`entry ${index} (seq ${link.entry.seq}) has stream fields that disagree with its content`);
        }
        prev = { seq: link.entry.seq, hash: link.entry.hash };
        if (wanted.has(prev.seq)) hashes.set(prev.seq, prev.hash);
        lastId = row[0];
        index++;
      }
      // The head remembers the last append (written atomically with it), so a deleted tail is noticed.
      const head = await this.#readHead();
      if (head.seq === prev.seq && head.hash === prev.hash) break;
      const appendedSince = head.seq > prev.seq && round < VERIFY_ROUNDS && (await this.#hasRowsAfter(lastId));
      if (!appendedSince) {
        return bad(`the chain ends at seq ${prev.seq} but the last append was seq ${head.seq} (entries were removed from the end)`);
      }
    }
    if (!opts.checkpoints || opts.checkpoints.length === 0) return { ok: true, entries: index };
    const checkpoints = checkCheckpoints(opts.checkpoints, (seq) => hashes.get(seq));
    return { ok: checkpoints.every((c) => c.ok), entries: index, checkpoints };
  }

  async #hasRowsAfter(id: string): Promise<boolean> {
    const start = id === '-' ? '-' : `(${id}`;
    return ((await this.#redis.xrange(this.#stream, start, '+', 'COUNT', 1)) as StreamRow[]).length > 0;
  }

  /** The stream's rows after `after` (all of them from '-'), a page at a time. */
  async *#rows(after = '-'): AsyncIterable<StreamRow> {
    let start = after === '-' ? '-' : `(${after}`;
    for (;;) {
      const rows = (await this.#redis.xrange(this.#stream, start, '+', 'COUNT', PAGE)) as StreamRow[];
      for (const row of rows) yield row;
      if (rows.length < PAGE) return;
      start = `(${rows[rows.length - 1]![0]}`;
    }
  }
}

/** ROLE's reply on a master: ['master', offset, [[host, port, offset], ...]]; 0 on anything else. */
function connectedReplicas(role: unknown): number {
  return Array.isArray(role) && role[0] === 'master' && Array.isArray(role[2]) ? role[2].length : 0;
}

function fieldMap(flat: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i]!] = flat[i + 1]!;
  return out;
}

function parseRow(row: StreamRow): AuditEntry {
  const json = fieldMap(row[1]).entry;
  try {
    return JSON.parse(json ?? '') as AuditEntry;
  } catch (err) {
    throw new AppError('store_corrupt', `audit stream entry ${row[0]} is not JSON (run audit verify)`, { id: row[0] }, { cause: err });
  }
}
