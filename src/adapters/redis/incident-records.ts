// Incidents on Redis. Every write goes through one compare-and-set Lua script (version-checked),
// so concurrent replicas, double clicks and replays cannot produce two incidents for one
// fingerprint or two decisions for one incident. The same scripts keep the history indexes up to
// date in that write, which is why their caps are options here. Key layout: incident-keys.ts.
import type { Redis } from 'ioredis';
import { AppError } from '../../core/errors.ts';
import { transition, type IncidentEvent } from '../../core/incident/state.ts';
import { IncidentReportSchema, type IncidentReport } from '../../core/model.ts';
import type { ClaimResult, IncidentRecords, Logger, SaveResult, TransitionOutcome, VersionedIncident } from '../../ports.ts';
import { withStore } from './connection.ts';
import { incidentKeys, retentionSeconds } from './incident-keys.ts';
import { CLAIM, COMMIT } from './incident-scripts.ts';
import { runLua } from './lua.ts';
import { readIncidents } from './read-incidents.ts';
import { describeIssues, parseStoredReport } from './stored-report.ts';

export interface IncidentRecordsOptions {
  redis: Redis;
  /** Key prefix, e.g. "kube-ai-sre:"; tests use a unique one. A trailing ":" is added if missing. */
  prefix: string;
  /** INCIDENT_RETENTION_DAYS: how long an incident outlives its last write. */
  retentionDays?: number;
  /** Most incidents remembered per fingerprint and per workload. */
  historyCap?: number;
  /** Most incidents in the recent index (the scorecard's window). Default 5000. */
  recentCap?: number;
  /** Bound on read-modify-write retries under contention. */
  maxAttempts?: number;
  logger?: Logger;
}

function firstSeenScore(report: IncidentReport): number {
  const ms = Date.parse(report.firstSeen);
  return Number.isNaN(ms) ? 0 : ms;
}

export function createIncidentRecords(options: IncidentRecordsOptions): IncidentRecords {
  const { redis, logger } = options;
  const key = incidentKeys(options.prefix);
  const ttl = retentionSeconds(options.retentionDays);
  const historyCap = options.historyCap ?? 200;
  const recentCap = Math.max(1, Math.floor(options.recentCap ?? 5000));
  const maxAttempts = options.maxAttempts ?? 50;

  // Incidents stored before the per-namespace index existed are added to it once per Redis (each
  // process checks once); until then a scan of their namespace would not see them to resolve them.
  let indexed: Promise<void> | undefined;
  function indexStoredBefore(): Promise<void> {
    indexed ??= (async () => {
      if (await withStore('check the namespace index', () => redis.exists(key.activeIndexed))) return;
      const ids = await withStore('list active incidents', () => redis.zrange(key.active, '0', '-1', 'WITHSCORES'));
      const scores = new Map<string, string>();
      for (let i = 0; i + 1 < ids.length; i += 2) scores.set(ids[i]!, ids[i + 1]!);
      const { reports } = await readIncidents(redis, key, [...scores.keys()], logger);
      const batch = redis.multi();
      for (const r of reports) if (r.status !== 'resolved') batch.zadd(key.activeIn(r.detection.namespace), scores.get(r.id)!, r.id).expire(key.activeIn(r.detection.namespace), ttl);
      batch.set(key.activeIndexed, '1');
      await withStore('index incidents by namespace', () => batch.exec());
    })().catch((err: unknown) => {
      indexed = undefined;
      throw err;
    });
    return indexed;
  }

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
        [key.incident(r.id), key.fingerprint(r.fingerprint), key.active, key.fpHistory(r.fingerprint), key.workloadOf(r), key.recent, key.activeIn(r.detection.namespace)],
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
          [key.fingerprint(fingerprint), key.incident(report.id), key.active, key.fpHistory(fingerprint), key.workloadOf(report), key.recent, key.activeIn(report.detection.namespace)],
          [report.id, JSON.stringify(report), fingerprint, ttl, firstSeenScore(report), key.incidentPrefix, historyCap, recentCap],
        ),
      )) as [number, string, string, string];
      const [created, id, json] = reply;
      if (created === -1) {
        throw new AppError('input_invalid', `incident id ${id} is already used by another incident`, { id });
      }
      return created === 1 ? { created: true, report } : { created: false, report: parseStoredReport(id, json) };
    },

    async get(id) {
      return (await getVersioned(id))?.report;
    },

    getVersioned,

    save(report, expectedVersion) {
      return commit(report, expectedVersion !== undefined ? { version: expectedVersion } : { status: report.status });
    },

    update(id, change) {
      return readModifyWrite<IncidentReport | undefined>(
        id,
        ({ report }) => {
          const next = change(report);
          return next === undefined ? { done: report } : { write: next };
        },
        (report) => report,
        () => undefined,
      );
    },

    decide(id, decision) {
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
      const { reports, missing } = await readIncidents(redis, key, ids, logger);
      if (missing.length > 0) await withStore('prune active index', () => redis.zrem(key.active, ...missing));
      return reports.filter((r) => r.status !== 'resolved');
    },

    async listOpenIn(namespace) {
      await indexStoredBefore();
      const index = key.activeIn(namespace);
      const ids = await withStore('list active incidents of a namespace', () => redis.zrange(index, '0', '-1'));
      const { reports, missing } = await readIncidents(redis, key, ids, logger);
      const open = reports.filter((r) => r.status !== 'resolved' && r.detection.namespace === namespace);
      const stale = [...missing, ...reports.filter((r) => !open.includes(r)).map((r) => r.id)];
      if (stale.length > 0) await withStore('prune a namespace index', () => redis.zrem(index, ...stale));
      return open;
    },
  };
}
