// A real Alertmanager on a free loopback port whose one webhook receiver is the bot, with the
// bearer token in http_config.authorization and grouping timers in seconds, so notifications
// arrive, group, repeat and resolve as Alertmanager really sends them. Alerts are posted through
// its v2 API (as Prometheus does) or with amtool. Stopped by its PID; a run that ends early kills
// it too (exit clean-up). No HA cluster listener: one instance, nothing else bound.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startProcess, waitUntilReady, type RunningProcess } from '../test-cluster/child-process.ts';
import { freePort } from '../test-cluster/free-port.ts';
import type { AlertmanagerTools } from './tools.ts';

const run = promisify(execFile);

export interface AlertmanagerOptions {
  /** The bot's webhook URL, e.g. http://127.0.0.1:PORT/alertmanager. */
  webhookUrl: string;
  /** Sent as `Authorization: Bearer <token>`. */
  token: string;
  groupWait?: string;
  groupInterval?: string;
  repeatInterval?: string;
  groupBy?: string[];
}

/** An alert as Prometheus posts it to POST /api/v2/alerts. */
export interface PostableAlert {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  startsAt?: string;
  /** In the past: resolved. */
  endsAt?: string;
  generatorURL?: string;
}

export interface TestAlertmanager {
  url: string;
  pid: number;
  post(alerts: PostableAlert[]): Promise<void>;
  /** `amtool alert add` with labels (name=value) and annotations. */
  amtoolAdd(labels: Record<string, string>, annotations?: Record<string, string>): Promise<void>;
  /** Alerts Alertmanager holds (GET /api/v2/alerts). */
  alerts(): Promise<Array<{ labels: Record<string, string>; status: { state: string } }>>;
  /** Its own count of webhook notifications sent, and of delivery attempts that failed (each retry counts). */
  notifications(): Promise<{ sent: number; failed: number }>;
  logTail(): string;
  stop(): Promise<void>;
}

export async function startAlertmanager(tools: AlertmanagerTools, opts: AlertmanagerOptions): Promise<TestAlertmanager> {
  const dir = await mkdtemp(join(tmpdir(), 'alertmanager-test-'));
  const config = join(dir, 'alertmanager.yml');
  await writeFile(config, [
    'route:',
    '  receiver: kube-ai-sre',
    `  group_by: [${(opts.groupBy ?? ['alertname', 'namespace']).map((l) => JSON.stringify(l)).join(', ')}]`,
    `  group_wait: ${opts.groupWait ?? '1s'}`,
    `  group_interval: ${opts.groupInterval ?? '1s'}`,
    `  repeat_interval: ${opts.repeatInterval ?? '1h'}`,
    'receivers:',
    '  - name: kube-ai-sre',
    '    webhook_configs:',
    `      - url: ${JSON.stringify(opts.webhookUrl)}`,
    '        send_resolved: true',
    '        http_config:',
    '          authorization:',
    '            type: Bearer',
    `            credentials: ${JSON.stringify(opts.token)}`,
    '',
  ].join('\n'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const proc: RunningProcess = startProcess('alertmanager', tools.alertmanager, [
    `--config.file=${config}`,
    `--storage.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--cluster.listen-address=',
    '--log.level=info',
  ], join(dir, 'alertmanager.log'));
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

  // Summed over the other labels (a failure's reason, for one).
  const metric = async (name: string): Promise<number> => {
    const text = await (await fetch(`${url}/metrics`)).text();
    return text.split('\n')
      .filter((l) => l.startsWith(`${name}{`) && l.includes('integration="webhook"'))
      .reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
  };

  return {
    url,
    pid: proc.pid,
    async post(alerts) {
      const res = await fetch(`${url}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(alerts) });
      if (!res.ok) throw new Error(`Alertmanager refused the alerts: ${res.status} ${await res.text()}`);
    },
    async amtoolAdd(labels, annotations = {}) {
      await run(tools.amtool, [
        'alert', 'add', `--alertmanager.url=${url}`,
        ...Object.entries(labels).map(([k, v]) => `${k}=${v}`),
        ...Object.entries(annotations).map(([k, v]) => `--annotation=${k}=${v}`),
      ]);
    },
    async alerts() {
      return (await (await fetch(`${url}/api/v2/alerts`)).json()) as Array<{ labels: Record<string, string>; status: { state: string } }>;
    },
    async notifications() {
      return { sent: await metric('alertmanager_notifications_total'), failed: await metric('alertmanager_notification_requests_failed_total') };
    },
    logTail: () => proc.logTail(),
    stop,
  };
}
