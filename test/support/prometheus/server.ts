// A real Prometheus on a free loopback port for the signal tests: optionally hours of history
// backfilled with `promtool tsdb create-blocks-from openmetrics`, optionally scraping the test
// exporter every second under the same job and instance labels, so history and live samples are
// one series. Stopped by its PID; a run that ends early kills it too (exit clean-up).
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startProcess, waitUntilReady, type RunningProcess } from '../test-cluster/child-process.ts';
import { freePort } from '../test-cluster/free-port.ts';
import { openMetricsHistory, type SyntheticSeries } from './synthetic.ts';
import type { PrometheusTools } from './tools.ts';

const run = promisify(execFile);

export const SCRAPE_JOB = 'kubelet';

export interface HistoryOptions {
  series: readonly SyntheticSeries[];
  /** Unix seconds. */
  from: number;
  to: number;
  stepSeconds: number;
}

export interface PrometheusOptions {
  /** The exporter to scrape every second (its host:port); history is labelled with it too. */
  scrapeTarget?: string;
  history?: HistoryOptions;
}

export interface TestPrometheus {
  url: string;
  pid: number;
  /** Peak resident memory so far (VmHWM), bytes. */
  peakRssBytes(): Promise<number>;
  /** Milliseconds from spawn to ready, and the backfill's own time. */
  timings: { backfillMs: number; startMs: number };
  /** Resolves once Prometheus has scraped the target at least `n` more times. */
  waitForScrapes(n: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startPrometheus(tools: PrometheusTools, opts: PrometheusOptions = {}): Promise<TestPrometheus> {
  const dir = await mkdtemp(join(tmpdir(), 'prometheus-test-'));
  const data = join(dir, 'data');
  let backfillMs = 0;
  if (opts.history) {
    const started = performance.now();
    const file = join(dir, 'history.om');
    const instance = opts.scrapeTarget ?? 'history';
    await writeFile(file, openMetricsHistory(opts.history.series, { ...opts.history, extra: { job: SCRAPE_JOB, instance } }));
    await run(tools.promtool, ['tsdb', 'create-blocks-from', 'openmetrics', file, data], { maxBuffer: 16 * 1024 * 1024 });
    backfillMs = Math.round(performance.now() - started);
  }
  const config = join(dir, 'prometheus.yml');
  const scrape = opts.scrapeTarget
    ? ['scrape_configs:', `  - job_name: ${SCRAPE_JOB}`, '    static_configs:', `      - targets: ['${opts.scrapeTarget}']`]
    : ['scrape_configs: []'];
  await writeFile(config, ['global:', '  scrape_interval: 1s', '  scrape_timeout: 1s', ...scrape, ''].join('\n'));

  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const started = performance.now();
  const proc: RunningProcess = startProcess('prometheus', tools.prometheus, [
    `--config.file=${config}`,
    `--storage.tsdb.path=${data}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--storage.tsdb.retention.time=30d',
    '--log.level=warn',
  ], join(dir, 'prometheus.log'));
  const stop = async (): Promise<void> => {
    await proc.stop();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitUntilReady(`${url}/-/ready`, proc);
  } catch (err) {
    await stop();
    throw err;
  }
  const startMs = Math.round(performance.now() - started);

  const scrapeCount = async (): Promise<number> => {
    const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(`count_over_time(up{job="${SCRAPE_JOB}"}[1h])`)}`);
    const body = (await res.json()) as { data: { result: Array<{ value: [number, string] }> } };
    return Number(body.data.result[0]?.value[1] ?? 0);
  };

  return {
    url,
    pid: proc.pid,
    timings: { backfillMs, startMs },
    async peakRssBytes() {
      const status = await readFile(`/proc/${proc.pid}/status`, 'utf8');
      const kb = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
      return kb ? Number(kb) * 1024 : 0;
    },
    async waitForScrapes(n) {
      const target = (await scrapeCount()) + n;
      const deadline = Date.now() + 30_000;
      while ((await scrapeCount()) < target) {
        if (Date.now() > deadline) throw new Error(`Prometheus did not scrape ${n} times within 30 s:\n${proc.logTail()}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    },
    stop,
  };
}
