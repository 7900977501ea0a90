// One zod schema over the environment, validated once at start. Every problem is reported at
// once, each naming its variable, so a misconfigured deployment fails fast with one message.
import { z } from 'zod';
import { AppError } from '../core/errors.ts';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const intIn = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const list = z
  .string()
  .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean));
const url = z.url({ protocol: /^(https?|redis|rediss)$/ });
/** "host:port,host:port" ([v6::addr]:port too) → addresses; each bad entry is named. */
const hostPorts = z.string().transform((s, ctx) => {
  const out: Array<{ host: string; port: number }> = [];
  for (const item of s.split(',').map((x) => x.trim()).filter(Boolean)) {
    const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9._-]+)):(\d{1,5})$/.exec(item);
    const port = m ? Number(m[3]) : 0;
    if (!m || port < 1 || port > 65535) {
      ctx.addIssue({ code: 'custom', message: `"${item}" is not host:port (e.g. redis-sentinel-0:26379,redis-sentinel-1:26379)` });
      continue;
    }
    out.push({ host: (m[1] ?? m[2])!, port });
  }
  if (out.length === 0 && !/[^,\s]/.test(s)) ctx.addIssue({ code: 'custom', message: 'names no sentinel (host:port,host:port)' });
  return out;
});

export const EnvSchema = z
  .object({
    // Slack: a bot token makes the Slack app run; without one only the CLI works.
    SLACK_BOT_TOKEN: z.string().regex(/^xoxb-/, 'must be a bot token starting with xoxb-').optional(),
    SLACK_SIGNING_SECRET: z.string().min(8).optional(),
    SLACK_APP_TOKEN: z.string().regex(/^xapp-/, 'must be an app-level token starting with xapp-').optional(),
    SLACK_CHANNEL_ID: z.string().regex(/^[CGD][A-Z0-9]{2,}$/, 'must be a channel ID such as C0123456789').optional(),
    SLACK_API_URL: url.optional(),
    PORT: intIn(0, 65535).default(3000),
    HEALTH_PORT: intIn(0, 65535).default(8080),

    REDIS_URL: url.default('redis://127.0.0.1:6379'),
    KEY_PREFIX: z.string().regex(/^[A-Za-z0-9:_-]+$/).default('sre:'),
    /** Redis Sentinel: the sentinels to ask for the master (REDIS_URL's address is then unused; its credentials, database and rediss: still apply). */
    REDIS_SENTINELS: hostPorts.optional(),
    /** The master group name the sentinels monitor (`sentinel monitor <name> ...`). */
    REDIS_SENTINEL_MASTER: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, 'letters, digits and . _ - (the name in `sentinel monitor <name> ...`)').optional(),
    REDIS_SENTINEL_PASSWORD: z.string().optional(),
    /** TLS to the sentinels (the data nodes use TLS when REDIS_URL is rediss://). */
    REDIS_SENTINEL_TLS: bool.default(false),
    /** The data nodes' password, when REDIS_URL carries none (e.g. from a Secret). */
    REDIS_PASSWORD: z.string().optional(),
    /** How long an audit append waits for a replica to confirm it (WAIT 1 <ms>); 0 does not wait. Below the 5 s command timeout. */
    AUDIT_REPLICA_WAIT_MS: intIn(0, 4_000).default(500),

    KUBECONFIG: z.string().optional(),
    /** The cluster's name in audit entries and checkpoints; the kubeconfig's cluster name when unset (none in-cluster). */
    CLUSTER_NAME: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,99}$/, 'letters, digits and . _ : @ / - (at most 100)').optional(),
    /** Seconds between this agent's heartbeats; other agents see its cluster as gone after three missed ones. */
    CLUSTER_HEARTBEAT_SECONDS: intIn(1, 3600).default(15),
    SCAN_NAMESPACES: list.default([]),
    SCAN_INTERVAL_SECONDS: intIn(5, 86_400).default(60),
    WATCH_ENABLED: bool.default(true),
    /** Watch Warning events (events.k8s.io) too: process OOM kills, evictions, failed schedules... feed detection at once. */
    EVENT_WATCH_ENABLED: bool.default(true),
    /** Open a MemoryLeakForecast when the working set is projected to reach its limit within this. */
    FORECAST_HORIZON_MINUTES: intIn(0, 10_080).default(60),
    LOG_TAIL_LINES: intIn(1, 5000).default(200),
    LOG_LIMIT_BYTES: intIn(1024, 10 * 1024 * 1024).default(256 * 1024),

    /** Prometheus holding cAdvisor and kube-state-metrics series: signals beside every incident, CPU throttling incidents. Unset: off. */
    PROMETHEUS_URL: url.optional(),
    PROMETHEUS_TIMEOUT_MS: intIn(500, 60_000).default(5_000),
    /** How far back before an incident its signals are read. */
    SIGNAL_WINDOW_MINUTES: intIn(1, 1440).default(10),
    /** Throttled share of CFS periods, in percent, that opens a CpuThrottling incident when sustained; 0 turns that detection off. */
    CPU_THROTTLING_PERCENT: intIn(0, 100).default(25),
    /** How long throttling must last, every minute of it, before it is an incident. */
    CPU_THROTTLING_MINUTES: intIn(5, 1440).default(15),

    OLLAMA_HOST: url.default('http://127.0.0.1:11434'),
    OLLAMA_MODEL: z.string().min(1).default('mistral'),
    OLLAMA_EMBED_MODEL: z.string().min(1).default('nomic-embed-text'),
    OLLAMA_TIMEOUT_MS: intIn(1000, 600_000).default(120_000),
    /** How long Ollama keeps the model loaded after a call (keep_alive on every call): "24h", "30m", "-1" forever, "0" unload at once. */
    OLLAMA_KEEP_ALIVE: z.string().regex(/^(-1|0|(\d+(\.\d+)?(ms|s|m|h))+)$/, 'a duration such as 24h, 30m or 90s; -1 keeps the model loaded, 0 unloads it after each call').default('24h'),
    LLM_ENABLED: bool.default(true),
    LLM_CONCURRENCY: intIn(1, 16).default(1),

    /** Folder of policies/*.yaml; defaults to the policies shipped with the agent. */
    POLICY_DIR: z.string().min(1).optional(),
    RESOLVE_QUIET_MINUTES: intIn(1, 10_080).default(30),
    INCIDENT_RETENTION_DAYS: intIn(1, 3650).default(30),
    /** Where audit checkpoints are posted (the bot must be a member); SLACK_CHANNEL_ID when unset. */
    AUDIT_CHANNEL_ID: z.string().regex(/^[CGD][A-Z0-9]{2,}$/, 'must be a channel ID such as C0123456789').optional(),
    /** Minutes between audit checkpoints posted to Slack (one per period, when the trail grew); 0 turns them off. Default daily. */
    AUDIT_CHECKPOINT_MINUTES: intIn(0, 525_600).default(1440),
    /** Bearer token Alertmanager's webhook receiver sends (http_config.authorization); unset: no webhook receiver. */
    ALERTMANAGER_TOKEN: z.string().min(16, 'at least 16 characters (e.g. openssl rand -hex 32)').regex(/^\S+$/, 'no whitespace').optional(),
    /** Port of the Alertmanager webhook receiver (POST /alertmanager), apart from PORT and HEALTH_PORT. */
    ALERTMANAGER_PORT: intIn(0, 65535).default(9095),
    ALERTMANAGER_MAX_BODY_BYTES: intIn(1024, 64 * 1024 * 1024).default(1024 * 1024),
    /** New alert incidents one notification may open; the rest are folded into one summary message. */
    ALERTMANAGER_MAX_NEW_INCIDENTS: intIn(1, 1000).default(10),
    /** The alert label naming the cluster: an alert about another cluster with a live agent goes to that agent. */
    ALERTMANAGER_CLUSTER_LABEL: z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'must be a Prometheus label name (letters, digits, _)').default('cluster'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .superRefine((env, ctx) => {
    for (const p of crossFieldProblems(env)) ctx.addIssue({ code: 'custom', path: [p.variable], message: p.message });
  });

/** Rules between variables; also checked when single variables failed, so every problem shows at once. */
function crossFieldProblems(env: Record<string, unknown>): Array<{ variable: string; message: string }> {
  const problems: Array<{ variable: string; message: string }> = [];
  if (env.SLACK_BOT_TOKEN && !env.SLACK_CHANNEL_ID) {
    problems.push({ variable: 'SLACK_CHANNEL_ID', message: 'required when SLACK_BOT_TOKEN is set (where incidents are posted)' });
  }
  if (env.SLACK_BOT_TOKEN && !env.SLACK_APP_TOKEN && !env.SLACK_SIGNING_SECRET) {
    problems.push({ variable: 'SLACK_SIGNING_SECRET', message: 'required in HTTP mode (set it, or SLACK_APP_TOKEN for Socket Mode)' });
  }
  const amPort = Number(env.ALERTMANAGER_PORT ?? 9095);
  if (env.ALERTMANAGER_TOKEN && amPort !== 0 && [Number(env.PORT ?? 3000), Number(env.HEALTH_PORT ?? 8080)].includes(amPort)) {
    problems.push({ variable: 'ALERTMANAGER_PORT', message: 'must differ from PORT and HEALTH_PORT (the webhook receiver has its own port)' });
  }
  problems.push(...redisProblems(env));
  return problems;
}

function redisProblems(env: Record<string, unknown>): Array<{ variable: string; message: string }> {
  const problems: Array<{ variable: string; message: string }> = [];
  const sentinels = env.REDIS_SENTINELS !== undefined;
  if (sentinels && !env.REDIS_SENTINEL_MASTER) {
    problems.push({ variable: 'REDIS_SENTINEL_MASTER', message: 'required when REDIS_SENTINELS is set (the master name the sentinels monitor, e.g. mymaster)' });
  }
  if (!sentinels && env.REDIS_SENTINEL_MASTER) {
    problems.push({ variable: 'REDIS_SENTINELS', message: 'required when REDIS_SENTINEL_MASTER is set (the sentinels as host:port,host:port)' });
  }
  if (!sentinels && env.REDIS_SENTINEL_PASSWORD) {
    problems.push({ variable: 'REDIS_SENTINEL_PASSWORD', message: 'only used with REDIS_SENTINELS and REDIS_SENTINEL_MASTER; set those or remove it' });
  }
  if (env.REDIS_PASSWORD && typeof env.REDIS_URL === 'string') {
    try {
      if (new URL(env.REDIS_URL).password) {
        problems.push({ variable: 'REDIS_PASSWORD', message: 'REDIS_URL already has a password; set it in one place' });
      }
    } catch {
      // an invalid REDIS_URL is reported on its own
    }
  }
  return problems;
}

export type Config = z.infer<typeof EnvSchema>;

/** Validates the environment; throws one AppError('config_invalid') listing every problem. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  // Empty strings mean "unset" (compose and ConfigMaps often write KEY=).
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = EnvSchema.safeParse(cleaned);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`);
  for (const p of crossFieldProblems(cleaned)) {
    const line = `${p.variable}: ${p.message}`;
    if (!problems.includes(line)) problems.push(line);
  }
  throw new AppError('config_invalid', `invalid configuration:\n  ${problems.join('\n  ')}`, { problems });
}
