// Runs `kube-ai-sre doctor --json` in-process through its real code path (environment inspection,
// the real adapters, every check) against the test servers, and reads back its report.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { runDoctorCommand } from '../../../src/cli/doctor-command.ts';
import type { CheckResult } from '../../../src/core/doctor/check.ts';
import type { FakeOllama } from '../../support/fake-ollama.ts';
import type { FakeSlack } from '../../support/fake-slack/index.ts';
import { SHARED_REDIS_URL } from '../../support/redis-keys.ts';
import { freePort } from '../../support/test-cluster/free-port.ts';

export interface DoctorReport {
  code: number;
  ok: boolean;
  exitCode: number;
  summary: { total: number; ok: number; warn: number; fail: number; skip: number };
  checks: CheckResult[];
  stderr: string;
  /** The result of one check (throws when it is missing). */
  check(id: string): CheckResult;
}

export async function doctor(env: Record<string, string | undefined>): Promise<DoctorReport> {
  let stdout = '';
  let stderr = '';
  const code = await runDoctorCommand(['--json'], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env });
  const report = JSON.parse(stdout) as Omit<DoctorReport, 'code' | 'stderr' | 'check'>;
  return {
    ...report,
    code,
    stderr,
    check(id) {
      const found = report.checks.find((c) => c.id === id);
      if (!found) throw new Error(`no check ${id} in ${report.checks.map((c) => c.id).join(', ')}`);
      return found;
    },
  };
}

export async function tempFile(name: string, text: string): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'sre-doctor-')), name);
  await writeFile(path, text);
  return path;
}

export async function kubeconfigFile(kc: KubeConfig): Promise<string> {
  return tempFile('kubeconfig', kc.exportConfig());
}

/** A kubeconfig whose API server is a loopback port nothing listens on. */
export async function unreachableKubeconfig(): Promise<string> {
  const port = await freePort();
  return tempFile('kubeconfig', [
    'apiVersion: v1', 'kind: Config', 'current-context: down',
    `clusters: [{ name: down, cluster: { server: "https://127.0.0.1:${port}", insecure-skip-tls-verify: true } }]`,
    'users: [{ name: nobody, user: { token: not-a-token } }]',
    'contexts: [{ name: down, context: { cluster: down, user: nobody } }]', '',
  ].join('\n'));
}

/** The bot's documented environment, every part pointed at a test server (nothing leaves loopback). */
export function doctorEnv(o: {
  slack: FakeSlack; ollama: FakeOllama; kubeconfig: string; policyDir: string; namespaces?: string; extra?: Record<string, string | undefined>;
}): Record<string, string | undefined> {
  return {
    SLACK_BOT_TOKEN: o.slack.identity.botToken,
    SLACK_SIGNING_SECRET: o.slack.identity.signingSecret,
    SLACK_CHANNEL_ID: 'C0INCIDENTS',
    SLACK_API_URL: o.slack.apiUrl,
    REDIS_URL: SHARED_REDIS_URL,
    KUBECONFIG: o.kubeconfig,
    SCAN_NAMESPACES: o.namespaces ?? 'demo',
    OLLAMA_HOST: o.ollama.url,
    OLLAMA_TIMEOUT_MS: '10000',
    POLICY_DIR: o.policyDir,
    ...o.extra,
  };
}
