// `kube-ai-sre doctor [--json]`: checks the whole setup from the environment `npm start` reads,
// prints one line per check (a failure with its fix), and exits 0 when every check passes, or
// with the code of the first failed check's system. It only reads: no Slack message, no Redis
// key, no cluster object is written.
import { parseArgs } from 'node:util';
import { inspectConfig } from '../config/inspect-config.ts';
import { policyDir } from '../config/paths.ts';
import { loadPolicies } from '../config/policy-files.ts';
import { firstFailure, summarize } from '../core/doctor/check.ts';
import { renderChecklist } from '../core/doctor/checklist-text.ts';
import { createKubeProbe } from '../adapters/kubernetes/access-probe.ts';
import { loadKubeConfig } from '../adapters/kubernetes/kube-config.ts';
import { createOllamaProbe } from '../adapters/ollama/ollama-probe.ts';
import { createPrometheusReader } from '../adapters/prometheus/prometheus-reader.ts';
import { createAlertmanagerProbe } from '../adapters/http/receiver-port.ts';
import { createRedisProbe } from '../adapters/redis/server-info.ts';
import { redisTargetOf } from '../adapters/redis/redis-target.ts';
import { createSlackProbe } from '../adapters/slack/doctor-probe.ts';
import { systemClock } from '../ports.ts';
import { runDoctor } from '../usecases/doctor/run-doctor.ts';
import { DOCTOR_USAGE } from './doctor-usage.ts';
import { EXIT, exitCodeForCheck } from './exit-codes.ts';

export interface DoctorCommandDeps {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Record<string, string | undefined>;
}

export async function runDoctorCommand(argv: string[], deps: DoctorCommandDeps): Promise<number> {
  let json: boolean;
  try {
    json = parseArgs({ args: argv, options: { json: { type: 'boolean', default: false } } }).values.json;
  } catch (err) {
    deps.stderr(`${(err as Error).message}\nusage:\n${DOCTOR_USAGE}`);
    return EXIT.usage;
  }
  const { config, problems, invalid } = inspectConfig(deps.env);
  const results = await runDoctor({
    config,
    configProblems: problems,
    invalid,
    policyDir: policyDir(config.POLICY_DIR),
    loadPolicies,
    slack: config.SLACK_BOT_TOKEN && !invalid.has('SLACK_BOT_TOKEN') && !invalid.has('SLACK_API_URL')
      ? createSlackProbe({ botToken: config.SLACK_BOT_TOKEN, apiUrl: config.SLACK_API_URL })
      : undefined,
    kube: () => createKubeProbe(loadKubeConfig(config.KUBECONFIG)),
    redis: createRedisProbe(redisTargetOf(config)),
    ollama: createOllamaProbe(config.OLLAMA_HOST),
    prometheus: config.PROMETHEUS_URL && !invalid.has('PROMETHEUS_URL')
      ? { reader: createPrometheusReader({ url: config.PROMETHEUS_URL, timeoutMs: config.PROMETHEUS_TIMEOUT_MS }), where: withoutCredentials(config.PROMETHEUS_URL) }
      : undefined,
    alertmanager: config.ALERTMANAGER_TOKEN && !invalid.has('ALERTMANAGER_TOKEN') && !invalid.has('ALERTMANAGER_PORT')
      ? createAlertmanagerProbe(config.ALERTMANAGER_PORT)
      : undefined,
    clock: systemClock,
  });
  const failed = firstFailure(results);
  const exitCode = failed ? exitCodeForCheck(failed.id) : EXIT.ok;
  if (json) {
    deps.stdout(JSON.stringify({ ok: failed === undefined, exitCode, summary: summarize(results), checks: results }, null, 2));
  } else {
    deps.stdout(renderChecklist(results));
  }
  return exitCode;
}

function withoutCredentials(url: string): string {
  const u = new URL(url);
  u.username = '';
  u.password = '';
  return u.toString();
}
