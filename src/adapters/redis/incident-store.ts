// The incident store on Redis. Every write of an incident goes through one compare-and-set Lua
// script (version-checked), so concurrent replicas, double clicks and replays cannot produce two
// incidents for one fingerprint or two decisions for one incident.
//
// Keys under `prefix`:
//   incident:{id}                hash {json, version, status, fingerprint}
//   fp:{fingerprint}             id of the active (not resolved) incident for that fingerprint
//   active                       zset of active incident ids, by firstSeen
//   hist:fp:{fingerprint}        zset of incident ids, by firstSeen (capped)
//   hist:wl:{ns}/{kind}/{name}   zset of incident ids of a workload, by firstSeen (capped)
//   recent                       zset of all incident ids, open or closed, by firstSeen (capped)
//   thread:{channel}:{ts}        incident id of a Slack thread root
//   turns:{id}                   list of thread turns (JSON), capped by the caller's max
//   seen:{key}                   dedup markers
// Every incident-related key expires `retentionDays` after its last write; history indexes drop
// ids whose incident has expired when they are read.
import type { Redis } from 'ioredis';
import type { z } from 'zod';
import { AppError } from '../../core/errors.ts';
import { transition, type IncidentEvent } from '../../core/incident/state.ts';
import { approvedLimit } from '../../core/recommend/approved.ts';
import { IncidentReportSchema, type Decision, type IncidentReport } from '../../core/model.ts';
import type { IncidentHistory, IncidentHistoryItem } from '../../core/incident/history.ts';
import { ThreadTurnSchema, type ThreadTurn } from '../../core/qa/thread-turn.ts';
import type {
  ClaimResult,
  IncidentHistoryQuery,
  IncidentStore,
  Logger,
  SaveResult,
  SlackRef,
  TransitionOutcome,
  VersionedIncident,
} from '../../ports.ts';
import { withStore } from './connection.ts';
import { CLAIM, COMMIT } from './incident-scripts.ts';
import { runLua } from './lua.ts';

export interface IncidentStoreOptions {
  redis: Redis;
  /** Key prefix, e.g. "kube-ai-sre:"; tests use a unique one. A trailing ":" is added if missing. */
  prefix: string;
  /** INCIDENT_RETENTION_DAYS: how long an incident and its thread outlive their last write. */
  retentionDays?: number;
  /** Most incidents remembered per fingerprint and per workload. */
  historyCap?: number;
  /** Most incidents listed by listRecent (the scorecard's window). Default 5000. */
  recentCap?: number;
  /** Bound on read-modify-write retries under contention. */
  maxAttempts?: number;
  logger?: Logger;
}

const DAY_SECONDS = 86_400;

function firstSeenScore(report: IncidentReport): number {
  const ms = Date.parse(report.firstSeen);
  return Number.isNaN(ms) ? 0 : ms;
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}

/** Parses a stored report; anything else is `store_corrupt` naming the incident and the problem. */
export function parseStoredReport(id: string, json: string): IncidentReport {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (err) {
    throw new AppError('store_corrupt', `incident ${id} in the store is not valid JSON`, { id }, { cause: err });
  }
  const parsed = IncidentReportSchema.safeParse(value);
  if (!parsed.success) {
    throw new AppError('store_corrupt', `incident ${id} in the store is not a valid report: ${describeIssues(parsed.error)}`, {
      id,
    });
  }
  return parsed.data;
}

function historyItem(r: IncidentReport): IncidentHistoryItem {
  return {
    id: r.id,
    fingerprint: r.fingerprint,
    status: r.status,
    kind: r.detection.kind,
    container: r.detection.container,
    firstSeen: r.firstSeen,
    lastSeen: r.lastSeen,
    occurrences: r.occurrences,
    ...(r.detection.memoryLimit !== undefined ? { memoryLimit: r.detection.memoryLimit } : {}),
    recommendedLimit: approvedLimit(r),
    ...(r.decision ? { decision: r.decision } : {}),
    ...(r.resolvedAt !== undefined ? { resolvedAt: r.resolvedAt } : {}),
  };
}

export function createIncidentStore(options: IncidentStoreOptions): IncidentStore {
  const { redis, logger } = options;
  const prefix = options.prefix.endsWith(':') ? options.prefix : `${options.prefix}:`;
  const ttl = Math.max(1, Math.round((options.retentionDays ?? 30) * DAY_SECONDS));
  const historyCap = options.historyCap ?? 200;
  const recentCap = Math.max(1, Math.floor(options.recentCap ?? 5000));
  const maxAttempts = options.maxAttempts ?? 50;

  const key = {
    incident: (id: string) => `${prefix}incident:${id}`,
    incidentPrefix: `${prefix}incident:`,
    fingerprint: (fp: string) => `${prefix}fp:${fp}`,
    active: `${prefix}active`,
    recent: `${prefix}recent`,
    fpHistory: (fp: string) => `${prefix}hist:fp:${fp}`,
    workloadHistory: (ns: string, kind: string, name: string) => `${prefix}hist:wl:${ns}/${kind}/${name}`,
    thread: (channel: string, ts: string) => `${prefix}thread:${channel}:${ts}`,
    turns: (id: string) => `${prefix}turns:${id}`,
    seen: (k: string) => `${prefix}seen:${k}`,
  };
  const workloadKey = (r: IncidentReport) => key.workloadHistory(r.detection.namespace, r.workload.kind, r.workload.name);

  async function getVersioned(id: string): Promise<VersionedIncident | undefined> {
    const [json, version] = await withStore('get incident', () => redis.hmget(key.incident(id), 'json', 'version'));
    if (json === null || json === undefined) return undefined;
    return { report: parseStoredReport(id, json), version: Number(version) };
  }

  async function commit(report: IncidentReport, guard: { version?: number; status?: string }): Promise<SaveResult> {
    const parsed = IncidentReportSchema.safeParse(report);
    if (!parsed.success) {
      throw new AppError('input_invalid', `refusing to store an invalid report: ${describeIssues(parsed.error)}`, { id: report.id });
    }
    const r = parsed.data;
    const reply = (await withStore('save incident', () =>
      runLua(
        redis,
        COMMIT,
        [key.incident(r.id), key.fingerprint(r.fingerprint), key.active, key.fpHistory(r.fingerprint), workloadKey(r), key.recent],
        [
          r.id,
          JSON.stringify(r),
          r.status,
          guard.version !== undefined ? String(guard.version) : '',
          guard.status ?? '',
          r.fingerprint,
          ttl,
          firstSeenScore(r),
          historyCap,
          recentCap,
        ],
      ),
    )) as number[];
    switch (reply[0]) {
      case 1:
        return { ok: true, report: r, version: Number(reply[1]) };
      case 0:
        return { ok: false, code: 'store_conflict', reason: `incident ${r.id} changed since it was read (now version ${reply[1]})` };
      case -1:
        return { ok: false, code: 'incident_not_found', reason: `incident ${r.id} does not exist (or has expired)` };
      default:
        throw new AppError('input_invalid', `incident ${r.id} is stored under another fingerprint; fingerprints never change`, {
          id: r.id,
        });
    }
  }

  /** Read, apply a pure change, write if nobody wrote meanwhile; retry otherwise. */
  async function readModifyWrite<T>(
    id: string,
    step: (current: VersionedIncident) => { write: IncidentReport } | { done: T },
    written: (report: IncidentReport) => T,
    missing: () => T,
  ): Promise<T> {
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      const current = await getVersioned(id);
      if (!current) return missing();
      const next = step(current);
      if ('done' in next) return next.done;
      const saved = await commit(next.write, { version: current.version });
      if (saved.ok) return written(saved.report);
      if (saved.code === 'incident_not_found') return missing();
    }
    throw new AppError('store_conflict', `incident ${id} kept changing; gave up after ${maxAttempts} attempts`, { id });
  }

  async function get(id: string): Promise<IncidentReport | undefined> {
    return (await getVersioned(id))?.report;
  }

  function update(id: string, change: (current: IncidentReport) => IncidentReport | undefined): Promise<IncidentReport | undefined> {
    return readModifyWrite<IncidentReport | undefined>(
      id,
      ({ report }) => {
        const next = change(report);
        return next === undefined ? { done: report } : { write: next };
      },
      (report) => report,
      () => undefined,
    );
  }

  function applyEvent(id: string, event: IncidentEvent): Promise<TransitionOutcome> {
    return readModifyWrite<TransitionOutcome>(
      id,
      ({ report }) => {
        const result = transition(report, event);
        return result.ok
          ? { write: result.report }
          : { done: { ok: false, code: 'transition_refused', reason: result.reason, report } };
      },
      (report) => ({ ok: true, report }),
      () => ({ ok: false, code: 'incident_not_found', reason: `incident ${id} does not exist (or has expired)` }),
    );
  }

  /** Reads many incidents at once; expired ones are reported as missing, corrupt ones logged and skipped. */
  async function readMany(ids: string[]): Promise<{ reports: IncidentReport[]; missing: string[] }> {
    if (ids.length === 0) return { reports: [], missing: [] };
    const pipeline = redis.pipeline();
    for (const id of ids) pipeline.hget(key.incident(id), 'json');
    const replies = (await withStore('read incidents', () => pipeline.exec())) ?? [];
    const reports: IncidentReport[] = [];
    const missing: string[] = [];
    ids.forEach((id, i) => {
      const [err, json] = replies[i] ?? [new Error('no reply'), null];
      if (err) throw err;
      if (typeof json !== 'string') {
        missing.push(id);
        return;
      }
      try {
        reports.push(parseStoredReport(id, json));
      } catch (e) {
        logger?.warn({ incidentId: id, err: e instanceof Error ? e.message : String(e) }, 'skipping corrupt incident');
      }
    });
    return { reports, missing };
  }

  return {
    async claim(fingerprint, newReport): Promise<ClaimResult> {
      if (newReport.fingerprint !== fingerprint) {
        throw new AppError('input_invalid', `report fingerprint ${newReport.fingerprint} does not match ${fingerprint}`);
      }
      if (newReport.status !== 'open') {
        throw new AppError('input_invalid', `a new incident starts open, not ${newReport.status}`, { id: newReport.id });
      }
      // Link earlier incidents of the same fingerprint (newest first) so history follows it.
      const earlier = await withStore('read fingerprint history', () => redis.zrevrange(key.fpHistory(fingerprint), 0, 9));
      const previousIncidentIds = [...new Set([...newReport.previousIncidentIds, ...earlier.filter((id) => id !== newReport.id)])];
      const candidate = IncidentReportSchema.safeParse({ ...newReport, previousIncidentIds });
      if (!candidate.success) {
        throw new AppError('input_invalid', `refusing to store an invalid report: ${describeIssues(candidate.error)}`, {
          id: newReport.id,
        });
      }
      const report = candidate.data;
      const reply = (await withStore('claim fingerprint', () =>
        runLua(
          redis,
          CLAIM,
          [key.fingerprint(fingerprint), key.incident(report.id), key.active, key.fpHistory(fingerprint), workloadKey(report), key.recent],
          [report.id, JSON.stringify(report), fingerprint, ttl, firstSeenScore(report), key.incidentPrefix, historyCap, recentCap],
        ),
      )) as [number, string, string, string];
      const [created, id, json] = reply;
      if (created === -1) {
        throw new AppError('input_invalid', `incident id ${id} is already used by another incident`, { id });
      }
      return created === 1 ? { created: true, report } : { created: false, report: parseStoredReport(id, json) };
    },

    get,

    getVersioned,

    save(report, expectedVersion) {
      return commit(report, expectedVersion !== undefined ? { version: expectedVersion } : { status: report.status });
    },

    update,

    decide(id, decision: Decision) {
      return applyEvent(id, { type: decision.action, decision });
    },

    resolve(id, at) {
      return applyEvent(id, { type: 'resolve', at });
    },

    async findOpenByFingerprint(fingerprint) {
      const id = await withStore('find by fingerprint', () => redis.get(key.fingerprint(fingerprint)));
      if (id === null) return undefined;
      const found = await getVersioned(id);
      return found && found.report.status !== 'resolved' ? found.report : undefined;
    },

    async listOpen() {
      const ids = await withStore('list active incidents', () => redis.zrange(key.active, '0', '-1'));
      const { reports, missing } = await readMany(ids);
      if (missing.length > 0) await withStore('prune active index', () => redis.zrem(key.active, ...missing));
      return reports.filter((r) => r.status !== 'resolved');
    },

    async history(query: IncidentHistoryQuery, limit: number): Promise<IncidentHistory> {
      const index =
        'fingerprint' in query
          ? key.fpHistory(query.fingerprint)
          : key.workloadHistory(query.namespace, query.workload.kind, query.workload.name);
      const ids = await withStore('read history', () => redis.zrevrange(index, 0, -1));
      const { reports, missing } = await readMany(ids);
      if (missing.length > 0) await withStore('prune history index', () => redis.zrem(index, ...missing));
      let firstSeen: string | undefined;
      let lastSeen: string | undefined;
      let totalOccurrences = 0;
      for (const r of reports) {
        totalOccurrences += r.occurrences;
        if (firstSeen === undefined || Date.parse(r.firstSeen) < Date.parse(firstSeen)) firstSeen = r.firstSeen;
        if (lastSeen === undefined || Date.parse(r.lastSeen) > Date.parse(lastSeen)) lastSeen = r.lastSeen;
      }
      return {
        count: reports.length,
        ...(firstSeen !== undefined ? { firstSeen } : {}),
        ...(lastSeen !== undefined ? { lastSeen } : {}),
        totalOccurrences,
        incidents: reports.slice(0, Math.max(0, limit)).map(historyItem),
      };
    },

    async listRecent(limit) {
      const n = Math.floor(limit);
      if (!(n > 0)) return [];
      const ids = await withStore('list recent incidents', () => redis.zrevrange(key.recent, 0, n - 1));
      const { reports, missing } = await readMany(ids);
      if (missing.length > 0) await withStore('prune recent index', () => redis.zrem(key.recent, ...missing));
      return reports;
    },

    async setSlackRef(id, ref: SlackRef) {
      const updated = await update(id, (r) => ({ ...r, slack: { channel: ref.channel, ts: ref.ts } }));
      if (updated) {
        await withStore('index thread', () => redis.set(key.thread(ref.channel, ref.ts), id, 'EX', ttl));
      }
      return updated;
    },

    async findByThread(channel, threadTs) {
      const id = await withStore('find by thread', () => redis.get(key.thread(channel, threadTs)));
      return id === null ? undefined : get(id);
    },

    async appendTurn(id, turn: ThreadTurn, max) {
      const valid = ThreadTurnSchema.parse(turn);
      const keep = Math.max(1, Math.floor(max));
      const results = await withStore('append thread turn', () =>
        redis.multi().rpush(key.turns(id), JSON.stringify(valid)).ltrim(key.turns(id), -keep, -1).expire(key.turns(id), ttl).exec(),
      );
      const failed = results?.find(([err]) => err);
      if (!results || failed) {
        throw new AppError('store_unavailable', `could not append a thread turn to incident ${id}`, { id }, { cause: failed?.[0] });
      }
    },

    async turns(id) {
      const raw = await withStore('read thread turns', () => redis.lrange(key.turns(id), 0, -1));
      const turns: ThreadTurn[] = [];
      for (const text of raw) {
        try {
          turns.push(ThreadTurnSchema.parse(JSON.parse(text)));
        } catch {
          logger?.warn({ incidentId: id }, 'skipping corrupt thread turn');
        }
      }
      return turns;
    },

    async seenOnce(k, ttlSeconds) {
      const reply = await withStore('dedup marker', () =>
        redis.set(key.seen(k), '1', 'EX', Math.max(1, Math.round(ttlSeconds)), 'NX'),
      );
      return reply === 'OK';
    },

    async forget(k) {
      await withStore('dedup marker', () => redis.del(key.seen(k)));
    },
  };
}
