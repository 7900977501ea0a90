// Before `npm start` starts anything: everything missing from the configuration at once — invalid
// variables, no Kubernetes configuration, invalid policies — and what will only work in part (no
// Slack token, no approvers). Reachability is not judged here: an API server that is down at start
// is waited for (see begin-work.ts); `kube-ai-sre doctor` checks every system.
import type { KubeConfig } from '@kubernetes/client-node';
import type { Config } from '../config/env.ts';
import { inspectConfig } from '../config/inspect-config.ts';
import { policyDir } from '../config/paths.ts';
import { loadPolicies } from '../config/policy-files.ts';
import type { StartupItem } from '../core/doctor/startup-report.ts';
import { loadKubeConfig } from '../adapters/kubernetes/kube-config.ts';

export interface StartupCheck {
  /** Set when nothing is missing: the configuration to start with. */
  config?: Config;
  kubeConfig?: KubeConfig;
  items: StartupItem[];
}

const firstLine = (err: unknown): string => (err instanceof Error ? err.message : String(err)).split('\n')[0]!.trim();

export async function checkStartup(env: Record<string, string | undefined>): Promise<StartupCheck> {
  const { config, problems, invalid } = inspectConfig(env);
  const items: StartupItem[] = problems.map((text) => ({ severity: 'missing', text }));

  let kubeConfig: KubeConfig | undefined;
  if (!invalid.has('KUBECONFIG')) {
    try {
      kubeConfig = loadKubeConfig(config.KUBECONFIG);
    } catch (err) {
      const reason = firstLine(err);
      items.push({ severity: 'missing', text: reason.startsWith('no Kubernetes configuration found')
        ? 'Kubernetes: no configuration found (KUBECONFIG unset, no ~/.kube/config, not in a pod with a ServiceAccount)'
        : `Kubernetes: ${reason}` });
    }
  }

  if (!invalid.has('POLICY_DIR')) {
    try {
      const policies = await loadPolicies(policyDir(config.POLICY_DIR));
      for (const p of policies.filter((x) => x.spec.approvers.length === 0)) {
        items.push({ severity: 'limited', text: `policy ${p.metadata.name} has no approvers: nobody can approve or reject its incidents` });
      }
    } catch (err) {
      const lines = (err instanceof Error ? err.message : String(err)).split('\n').map((l) => l.trim()).filter(Boolean);
      for (const line of lines.length > 1 ? lines.slice(1) : lines) items.push({ severity: 'missing', text: `policies: ${line}` });
    }
  }

  if (!config.SLACK_BOT_TOKEN && !invalid.has('SLACK_BOT_TOKEN')) {
    items.push({ severity: 'limited', text: 'SLACK_BOT_TOKEN not set: incidents are detected, stored and audited, but not posted to Slack' });
  }

  const missing = items.some((i) => i.severity === 'missing');
  return { items, ...(missing ? {} : { config, ...(kubeConfig ? { kubeConfig } : {}) }) };
}
