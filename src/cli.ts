// kube-ai-sre scan | audit verify | audit export | help. Wiring only; commands live in src/cli/.
import { readFile } from 'node:fs/promises';
import { loadConfig } from './config/env.ts';
import { BUILTIN_EVAL_CASES_DIR, policyDir } from './config/paths.ts';
import { loadPolicies } from './config/policy-files.ts';
import { isAppError } from './core/errors.ts';
import { createLogger } from './logging.ts';
import { systemClock } from './ports.ts';
import { sha256Hex } from './adapters/hash.ts';
import { createDumpReader } from './adapters/kubernetes/dump-reader.ts';
import { EXIT, exitCodeFor } from './cli/exit-codes.ts';
import { runScanCommand, SCAN_USAGE } from './cli/scan-command.ts';
import { AUDIT_USAGE } from './cli/audit-usage.ts';
import { DOCTOR_USAGE } from './cli/doctor-usage.ts';
import { EVAL_USAGE } from './cli/eval-usage.ts';

const USAGE = `kube-ai-sre — memory incidents in Kubernetes, explained and policy-gated

${SCAN_USAGE}
${AUDIT_USAGE}
${DOCTOR_USAGE}
${EVAL_USAGE}
       kube-ai-sre help

Exit codes: 0 no incidents (doctor: every check passed), 1 incidents found, 2 usage, 3 namespace not found,
4 forbidden (RBAC), 5 API server unreachable, 6 input file invalid, 7 Ollama unavailable (reports are
rule-based), 8 configuration or policy invalid, 9 audit chain broken, 10 Redis unavailable, 11 Slack
unavailable or misconfigured, 12 Prometheus unavailable. doctor exits with the code of its first failed check.`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const out = (t: string) => process.stdout.write(`${t}\n`);
  const err = (t: string) => process.stderr.write(`${t}\n`);
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    out(USAGE);
    return command ? EXIT.ok : EXIT.usage;
  }
  if (command === 'doctor') {
    // The doctor reads the whole environment, Slack included, as npm start would.
    const { runDoctorCommand } = await import('./cli/doctor-command.ts');
    return runDoctorCommand(rest, { stdout: out, stderr: err, env: process.env });
  }
  let config;
  try {
    // The CLI talks to neither Slack nor the bot's HTTP ports: their settings cannot stop it.
    config = loadConfig(Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SLACK_'))));
  } catch (e) {
    err(isAppError(e) ? e.message : String(e));
    return EXIT.configInvalid;
  }
  // CLI logs go to stderr so --json output on stdout stays clean.
  const logger = createLogger(process.env.LOG_LEVEL ? config.LOG_LEVEL : 'error', process.stderr);

  switch (command) {
    case 'scan': {
      // Loaded only when used: a scan of a dump needs no Kubernetes client, --no-llm no Ollama client.
      return runScanCommand(rest, {
        stdout: out,
        stderr: err,
        readFile: (p) => readFile(p, 'utf8'),
        liveCluster: async (kubeconfig) => {
          const [{ createClusterReader }, { loadKubeConfig }, { clusterRef }] = await Promise.all([
            import('./adapters/kubernetes/cluster-reader.ts'), import('./adapters/kubernetes/kube-config.ts'), import('./app/audit-wiring.ts'),
          ]);
          const kc = loadKubeConfig(kubeconfig ?? config.KUBECONFIG);
          return createClusterReader(kc, { clusterRef: clusterRef(config, kc) });
        },
        dumpCluster: createDumpReader,
        llm: async () => {
          const { createOllamaClient } = await import('./adapters/ollama/llm-client.ts');
          return createOllamaClient({ host: config.OLLAMA_HOST, model: config.OLLAMA_MODEL, timeoutMs: config.OLLAMA_TIMEOUT_MS, keepAlive: config.OLLAMA_KEEP_ALIVE, logger });
        },
        llmHost: config.OLLAMA_HOST,
        llmModel: config.OLLAMA_MODEL,
        policies: () => loadPolicies(policyDir(config.POLICY_DIR)),
        logger,
        clock: systemClock,
        hash: sha256Hex,
        logLimits: { tailLines: config.LOG_TAIL_LINES, limitBytes: config.LOG_LIMIT_BYTES },
        ...(config.PROMETHEUS_URL
          ? {
              prometheus: async (policies) => {
                const [{ prometheusSignals }, { detectionSettings }] = await Promise.all([import('./app/prometheus-signals.ts'), import('./app/detection-settings.ts')]);
                return prometheusSignals(config, systemClock, logger, undefined, detectionSettings(policies, config).thresholds);
              },
            }
          : {}),
      });
    }
    case 'audit': {
      const [{ runAuditCommand }, { redisTargetOf }] = await Promise.all([import('./cli/audit-command.ts'), import('./adapters/redis/redis-target.ts')]);
      return runAuditCommand(rest, {
        stdout: out, stderr: err, redisUrl: redisTargetOf(config), keyPrefix: config.KEY_PREFIX,
        // --against-slack reads checkpoints with the bot's token from the channel they are posted to.
        slack: {
          botToken: process.env.SLACK_BOT_TOKEN || undefined,
          channel: process.env.AUDIT_CHANNEL_ID || process.env.SLACK_CHANNEL_ID || undefined,
          apiUrl: process.env.SLACK_API_URL || undefined,
        },
      });
    }
    case 'eval': {
      const [{ runEvalCommand }, { createOllamaClient }, { loadEvalCases }] = await Promise.all([
        import('./cli/eval-command.ts'), import('./adapters/ollama/llm-client.ts'), import('./config/eval-cases.ts'),
      ]);
      return runEvalCommand(rest, {
        stdout: out,
        stderr: err,
        defaultModel: config.OLLAMA_MODEL,
        defaultCasesPath: BUILTIN_EVAL_CASES_DIR,
        // The agent's client, options and keep_alive; only the model (and, if asked, the timeout) differ.
        llmFor: (model, timeoutMs) => createOllamaClient({ host: config.OLLAMA_HOST, model, timeoutMs: timeoutMs ?? config.OLLAMA_TIMEOUT_MS, keepAlive: config.OLLAMA_KEEP_ALIVE, logger }),
        loadCases: loadEvalCases,
        policies: () => loadPolicies(policyDir(config.POLICY_DIR)),
        logger,
      });
    }
    default:
      err(`unknown command "${command}"\n\n${USAGE}`);
      return EXIT.usage;
  }
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (e: unknown) => {
    process.stderr.write(`error: ${(e as Error)?.message ?? String(e)}\n`);
    process.exitCode = isAppError(e) ? exitCodeFor(e.code) : EXIT.internal;
  },
);
