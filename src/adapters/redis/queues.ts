// BullMQ queues and workers for scans, analyses and thread questions. BullMQ types stop here:
// handlers receive a plain job and throw AppError; permanent error codes become
// UnrecoverableError (no retry), everything else retries with exponential backoff.
// Recurring scans are job schedulers (BullMQ 6 has no `repeat` option), one per namespace.
import { createHash } from 'node:crypto';
import { Queue, UnrecoverableError, Worker, type Job, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { z } from 'zod';
import { isAppError, type ErrorCode } from '../../core/errors.ts';
import {
  AlertJobSchema,
  AnalyzeJobSchema,
  ScanJobSchema,
  ThreadJobSchema,
  type AlertJob,
  type AnalyzeJob,
  type ScanJob,
  type ThreadJob,
} from '../../core/jobs.ts';
import type { AlertQueue, JobQueue, Logger } from '../../ports.ts';
import type { ClusterRef } from '../../core/cluster/cluster-ref.ts';

export const QUEUE_NAMES = { scan: 'scan', analyze: 'analyze', thread: 'thread', alert: 'alert' } as const;
export type QueueName = (typeof QUEUE_NAMES)[keyof typeof QUEUE_NAMES];

/**
 * The BullMQ queue a kind of job of a cluster goes to. Scans and analyses read the cluster, so a
 * named cluster has its own ("scan@prod-eu"), consumed only by its agents; an agent without
 * CLUSTER_NAME keeps the plain names. Thread questions need only Redis and the LLM: one queue for
 * all. BullMQ forbids ":" in queue names; CLUSTER_NAME has no "%", so escaping ":" stays one-to-one.
 */
export function clusterQueueName(kind: QueueName, cluster: ClusterRef | undefined): string {
  if (kind === QUEUE_NAMES.thread || !cluster?.named) return kind;
  return `${kind}@${cluster.name.replace(/:/g, '%3A')}`;
}

export interface JobData {
  scan: ScanJob;
  analyze: AnalyzeJob;
  thread: ThreadJob;
  alert: AlertJob;
}

const SCHEMAS: { [N in QueueName]: z.ZodType<JobData[N]> } = {
  scan: ScanJobSchema,
  analyze: AnalyzeJobSchema,
  thread: ThreadJobSchema,
  alert: AlertJobSchema,
};

const DAY_SECONDS = 86_400;

// Completed analyze jobs are kept for a day so re-adding the same job id is a no-op meanwhile.
const JOB_DEFAULTS: { [N in QueueName]: JobsOptions } = {
  scan: {
    attempts: 3,
    backoff: { type: 'exponential', delay: 2_000 },
    removeOnComplete: { age: 3_600, count: 200 },
    removeOnFail: { age: 7 * DAY_SECONDS, count: 500 },
  },
  analyze: {
    attempts: 4,
    backoff: { type: 'exponential', delay: 5_000 },
    removeOnComplete: { age: DAY_SECONDS, count: 5_000 },
    removeOnFail: { age: 7 * DAY_SECONDS, count: 1_000 },
  },
  thread: {
    attempts: 3,
    backoff: { type: 'exponential', delay: 2_000 },
    removeOnComplete: { age: DAY_SECONDS, count: 5_000 },
    removeOnFail: { age: 7 * DAY_SECONDS, count: 1_000 },
  },
  // Kept an hour: Alertmanager's retries of a notification already taken are no-ops meanwhile.
  alert: {
    attempts: 5,
    backoff: { type: 'exponential', delay: 2_000 },
    removeOnComplete: { age: 3_600, count: 1_000 },
    removeOnFail: { age: 7 * DAY_SECONDS, count: 500 },
  },
};

/** Codes that will fail the same way on every retry. */
export const PERMANENT_ERROR_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'config_invalid',
  'policy_invalid',
  'input_invalid',
  'incident_not_found',
  'transition_refused',
  'store_corrupt',
  'k8s_forbidden',
  'k8s_not_found',
  'llm_model_missing',
]);

// BullMQ ids may not contain ":" nor look like integers: a prefixed hash is neither.
function hashedId(kind: string, ...parts: string[]): string {
  return `${kind}-${createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 32)}`;
}

/** One analysis per (fingerprint, context): the same change enqueued twice runs once. */
export function analyzeJobId(fingerprint: string, contextKey: string): string {
  return hashedId('analyze', fingerprint, contextKey);
}

/** One answer per thread message, however often Slack retries the event. */
export function threadJobId(channel: string, messageTs: string): string {
  return hashedId('thread', channel, messageTs);
}

/** One processing per Alertmanager notification body, however often it is delivered. */
export function alertJobId(key: string): string {
  return hashedId('alert', key);
}

export function scanSchedulerId(namespace: string): string {
  return `scan-${namespace}`;
}

export interface QueuesOptions {
  /** A client from connectRedis(url, 'queue'); shared by the three queues, closed by the caller. */
  connection: Redis;
  /** BullMQ key prefix (e.g. "sre:bull"); tests use a unique one. */
  prefix: string;
  logger?: Logger;
  /** This agent's cluster: its scans and analyses go to that cluster's queues. */
  cluster?: ClusterRef;
}

export interface ScanSchedule {
  namespace: string;
  everyMs: number;
}

/**
 * A namespace's place in the scan interval, from a hash of its cluster and name: stable across
 * restarts and replicas, and spread evenly, so hundreds of namespaces are not listed at once.
 * Never 0 (BullMQ reads 0 as "no offset").
 */
export function scanOffsetMs(namespace: string, everyMs: number, cluster?: string): number {
  if (everyMs <= 1) return 1;
  const h = createHash('sha256').update(`${cluster ?? ''}\n${namespace}`).digest().readUInt32BE(0);
  return 1 + (h % (everyMs - 1));
}

export interface Queues extends JobQueue, AlertQueue {
  readonly scan: Queue<ScanJob>;
  readonly analyze: Queue<AnalyzeJob>;
  readonly thread: Queue<ThreadJob>;
  readonly alert: Queue<AlertJob>;
  /** Creates or updates the periodic scan of a namespace (idempotent); at `offsetMs` into each interval when given. */
  upsertScanSchedule(namespace: string, everyMs: number, offsetMs?: number): Promise<void>;
  removeScanSchedule(namespace: string): Promise<boolean>;
  listScanSchedules(): Promise<ScanSchedule[]>;
  /**
   * Makes the schedules exactly `namespaces` every `everyMs`, removing schedules of other
   * namespaces. With `spread`, each namespace runs at its own offset in the interval (scanOffsetMs)
   * instead of all at once.
   */
  syncScanSchedules(namespaces: readonly string[], everyMs: number, opts?: { spread?: boolean }): Promise<void>;
  /** Job counts per queue and state, for the queue_depth metric. */
  depths(): Promise<Array<{ queue: string; state: string; count: number }>>;
  close(): Promise<void>;
}

export function createQueues(opts: QueuesOptions): Queues {
  const base = { connection: opts.connection, prefix: opts.prefix };
  // Without a listener BullMQ prints every connection error of a queue to stderr, once per reconnect
  // attempt. The connection's own listener already logs the outage once (connection.ts).
  const quiet = <T>(q: Queue<T>): Queue<T> => {
    q.on('error', (err: Error) => opts.logger?.debug({ queue: q.name, err: err.message }, 'queue connection error'));
    return q;
  };
  const scan = quiet(new Queue<ScanJob>(clusterQueueName('scan', opts.cluster), { ...base, defaultJobOptions: JOB_DEFAULTS.scan }));
  const analyze = quiet(new Queue<AnalyzeJob>(clusterQueueName('analyze', opts.cluster), { ...base, defaultJobOptions: JOB_DEFAULTS.analyze }));
  const thread = quiet(new Queue<ThreadJob>(QUEUE_NAMES.thread, { ...base, defaultJobOptions: JOB_DEFAULTS.thread }));
  // Alerts are mapped with this cluster's reader: a named cluster has its own alert queue too.
  const alert = quiet(new Queue<AlertJob>(clusterQueueName('alert', opts.cluster), { ...base, defaultJobOptions: JOB_DEFAULTS.alert }));
  const all = [['scan', scan], ['analyze', analyze], ['thread', thread], ['alert', alert]] as const;
  // Scan and alert queues of other clusters, opened when a scan or an alert is routed there.
  const opened: Array<{ close(): Promise<void> }> = [];
  const queuesOf = <T>(kind: 'scan' | 'alert', own: Queue<T>) => {
    const byName = new Map<string, Queue<T>>();
    return (cluster: ClusterRef | undefined): Queue<T> => {
      const name = cluster ? clusterQueueName(kind, cluster) : own.name;
      if (name === own.name) return own;
      let q = byName.get(name);
      if (!q) {
        q = quiet(new Queue<T>(name, { ...base, defaultJobOptions: JOB_DEFAULTS[kind] }));
        byName.set(name, q);
        opened.push(q);
      }
      return q;
    };
  };
  const scanQueueOf = queuesOf('scan', scan);
  const alertQueueOf = queuesOf('alert', alert);

  const schedulePrefix = scanSchedulerId('');

  /** With the offset BullMQ keeps: the one given, or the creation time's place in the interval. */
  async function listSchedules(): Promise<Array<ScanSchedule & { offsetMs?: number }>> {
    const schedulers = await scan.getJobSchedulers(0, -1, true);
    return schedulers
      .filter((s) => s.key.startsWith(schedulePrefix) && typeof s.every === 'number')
      .map((s) => ({ namespace: s.key.slice(schedulePrefix.length), everyMs: Number(s.every), ...(s.offset ? { offsetMs: Number(s.offset) } : {}) }));
  }

  async function listScanSchedules(): Promise<ScanSchedule[]> {
    return (await listSchedules()).map(({ namespace, everyMs }) => ({ namespace, everyMs }));
  }

  async function upsertScanSchedule(namespace: string, everyMs: number, offsetMs?: number): Promise<void> {
    const data = ScanJobSchema.parse({ namespace, trigger: 'schedule', ...(opts.cluster?.named ? { cluster: opts.cluster.name } : {}) });
    await scan.upsertJobScheduler(
      scanSchedulerId(namespace),
      { every: everyMs, ...(offsetMs ? { offset: offsetMs } : {}) },
      // Scheduled scans are not retried: the next tick is the retry.
      { name: QUEUE_NAMES.scan, data, opts: { attempts: 1, removeOnComplete: JOB_DEFAULTS.scan.removeOnComplete, removeOnFail: { count: 100 } } },
    );
  }

  return {
    scan,
    analyze,
    thread,
    alert,

    async enqueueScan(job, cluster) {
      const data = ScanJobSchema.parse(cluster ? { ...job, cluster: cluster.name } : job);
      const added = await scanQueueOf(cluster).add(QUEUE_NAMES.scan, data);
      return { jobId: String(added.id) };
    },

    async enqueueAnalyze(job) {
      const data = AnalyzeJobSchema.parse(job);
      const jobId = analyzeJobId(data.fingerprint, data.contextKey);
      await analyze.add(QUEUE_NAMES.analyze, data, { jobId });
      return { jobId };
    },

    async enqueueThread(job) {
      const data = ThreadJobSchema.parse(job);
      const jobId = threadJobId(data.channel, data.messageTs);
      await thread.add(QUEUE_NAMES.thread, data, { jobId });
      return { jobId };
    },

    async enqueueAlerts(job, key, cluster) {
      const data = AlertJobSchema.parse(job);
      const jobId = alertJobId(key);
      await alertQueueOf(cluster).add(QUEUE_NAMES.alert, data, { jobId });
      return { jobId };
    },

    upsertScanSchedule,

    removeScanSchedule(namespace) {
      return scan.removeJobScheduler(scanSchedulerId(namespace));
    },

    listScanSchedules,

    async syncScanSchedules(namespaces, everyMs, syncOpts = {}) {
      const wanted = new Set(namespaces);
      const current = new Map((await listSchedules()).map((s) => [s.namespace, s]));
      for (const s of current.values()) {
        if (!wanted.has(s.namespace)) await scan.removeJobScheduler(scanSchedulerId(s.namespace));
      }
      for (const ns of wanted) {
        if (!syncOpts.spread) {
          await upsertScanSchedule(ns, everyMs);
          continue;
        }
        const offset = scanOffsetMs(ns, everyMs, opts.cluster?.name);
        const had = current.get(ns);
        // A scheduler keeps the phase it was created with: one at another offset is made again.
        if (had && (had.offsetMs !== offset || had.everyMs !== everyMs)) await scan.removeJobScheduler(scanSchedulerId(ns));
        if (!had || had.offsetMs !== offset || had.everyMs !== everyMs) await upsertScanSchedule(ns, everyMs, offset);
      }
    },

    async depths() {
      const states = ['waiting', 'active', 'delayed', 'failed', 'completed', 'prioritized'] as const;
      const rows: Array<{ queue: string; state: string; count: number }> = [];
      // By kind: the cluster is a label of every metric already.
      for (const [kind, q] of all) {
        const counts = await q.getJobCounts(...states);
        for (const state of states) rows.push({ queue: kind, state, count: counts[state] ?? 0 });
      }
      return rows;
    },

    async close() {
      await Promise.all([...all.map(([, q]) => q.close()), ...opened.map((q) => q.close())]);
    },
  };
}

/** What a handler sees of a job. */
export interface JobContext<T> {
  id: string;
  name: string;
  data: T;
  /** 1 on the first run. */
  attempt: number;
  maxAttempts: number;
  /**
   * When the job became due (ms since epoch), for queue-wait metrics: its creation plus any delay,
   * so a scheduled scan made an interval ahead does not count the interval as waiting.
   */
  enqueuedAt: number;
  /** Aborted when the worker is closing; long handlers should stop early. */
  signal?: AbortSignal;
}

export type JobHandler<T> = (job: JobContext<T>) => Promise<unknown>;

export interface WorkerOptions {
  /** A client from connectRedis(url, 'worker') (maxRetriesPerRequest: null); BullMQ duplicates it. */
  connection: Redis;
  prefix: string;
  /** Jobs run at once by this worker; keep the LLM queue small on a laptop. */
  concurrency: number;
  logger: Logger;
  permanentCodes?: ReadonlySet<ErrorCode>;
  /** The cluster whose scan and analyze queues this worker consumes (see clusterQueueName). */
  cluster?: ClusterRef;
}

export interface RunningWorker {
  readonly queue: QueueName;
  close(): Promise<void>;
}

function delayOf(job: Job): number {
  const delay = job.opts.delay;
  return typeof delay === 'number' && Number.isFinite(delay) && delay > 0 ? delay : 0;
}

export function startWorker<N extends QueueName>(queue: N, handler: JobHandler<JobData[N]>, opts: WorkerOptions): RunningWorker {
  const schema = SCHEMAS[queue];
  const permanent = opts.permanentCodes ?? PERMANENT_ERROR_CODES;
  const logger = opts.logger.child({ queue });

  const processor = async (job: Job, _token?: string, signal?: AbortSignal): Promise<unknown> => {
    const parsed = schema.safeParse(job.data);
    if (!parsed.success) {
      throw new UnrecoverableError(`job ${job.id} has invalid data: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
    }
    const context: JobContext<JobData[N]> = {
      id: String(job.id),
      name: job.name,
      data: parsed.data,
      attempt: job.attemptsMade + 1,
      maxAttempts: job.opts.attempts ?? 1,
      // The job's own `delay` is 0 once it was promoted; the delay it was made with stays in its opts.
      enqueuedAt: job.timestamp + delayOf(job),
      ...(signal ? { signal } : {}),
    };
    try {
      return await handler(context);
    } catch (err) {
      if (isAppError(err) && permanent.has(err.code)) {
        throw new UnrecoverableError(`${err.code}: ${err.message}`);
      }
      throw err;
    }
  };

  const worker = new Worker(clusterQueueName(queue, opts.cluster), processor, {
    connection: opts.connection,
    prefix: opts.prefix,
    concurrency: Math.max(1, Math.floor(opts.concurrency)),
  });
  worker.on('failed', (job, err) => {
    logger.warn({ jobId: job?.id, attempt: job?.attemptsMade, err: err.message }, 'job failed');
  });
  worker.on('error', (err) => {
    logger.error({ err: err.message }, 'worker error');
  });
  return { queue, close: () => worker.close() };
}

/**
 * Shutdown order for SIGTERM: stop workers (they finish their current jobs), then queues, then
 * the Redis clients. Every close is attempted even if an earlier one fails.
 */
export async function closeAll(parts: {
  workers?: readonly RunningWorker[];
  queues?: Queues;
  connections?: readonly Redis[];
}): Promise<void> {
  const errors: unknown[] = [];
  const settle = async (ps: Array<Promise<unknown>>) => {
    for (const r of await Promise.allSettled(ps)) if (r.status === 'rejected') errors.push(r.reason);
  };
  await settle((parts.workers ?? []).map((w) => w.close()));
  if (parts.queues) await settle([parts.queues.close()]);
  await settle((parts.connections ?? []).map((c) => c.quit().catch(() => c.disconnect())));
  if (errors.length > 0) throw new AggregateError(errors, 'some queues or connections did not close cleanly');
}
