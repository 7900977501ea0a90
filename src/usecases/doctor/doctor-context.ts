// Everything the doctor's checks read: the configuration as inspected (problems listed, a usable
// best effort alongside), the policy loader, and one read-only probe per system.
import type { Config } from '../../config/env.ts';
import type { PolicySet } from '../../core/policy/schema.ts';
import type { Clock, PrometheusReader } from '../../ports.ts';
import type { AlertmanagerProbe, KubeProbe, OllamaProbe, RedisProbe, SlackProbe } from './probes.ts';

export interface DoctorContext {
  config: Config;
  /** loadConfig()'s problems; empty when the environment is valid. */
  configProblems: readonly string[];
  /** Variables named by a problem: checks that need one of them are skipped. */
  invalid: ReadonlySet<string>;
  policyDir: string;
  loadPolicies(dir: string): Promise<PolicySet>;
  /** Built when SLACK_BOT_TOKEN is set and valid. */
  slack: SlackProbe | undefined;
  /** Builds the Kubernetes probe from the kubeconfig; throws config_invalid when there is none. */
  kube(): KubeProbe;
  redis: RedisProbe;
  ollama: OllamaProbe;
  /** Built when PROMETHEUS_URL is set and valid; `where` is the URL without credentials. */
  prometheus: { reader: PrometheusReader; where: string } | undefined;
  /** Built when ALERTMANAGER_TOKEN is set and valid: what holds the receiver's port. */
  alertmanager: AlertmanagerProbe | undefined;
  clock: Clock;
}

/** The first of `variables` that is invalid, for a "skipped" line. */
export function invalidVariable(ctx: Pick<DoctorContext, 'invalid'>, ...variables: string[]): string | undefined {
  return variables.find((v) => ctx.invalid.has(v));
}

export function errorText(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0]!.trim();
}

/** Slack's own error string ("invalid_auth", "not_in_channel"...) of a mapped Web API failure. */
export function slackError(err: unknown): string {
  const details = (err as { details?: { error?: unknown } } | undefined)?.details;
  return typeof details?.error === 'string' ? details.error : 'unknown_error';
}
