// Exit codes of `kube-ai-sre`: scripts branch on these, so they never change meaning.
import type { ErrorCode } from '../core/errors.ts';
import type { AuditVerifyOutcome } from '../usecases/audit-commands.ts';

export const EXIT = {
  ok: 0,
  incidentsFound: 1,
  usage: 2,
  namespaceNotFound: 3,
  forbidden: 4,
  apiUnreachable: 5,
  inputInvalid: 6,
  llmUnavailable: 7,
  configInvalid: 8,
  auditBroken: 9,
  redisUnavailable: 10,
  slackUnavailable: 11,
  prometheusUnavailable: 12,
  alertmanagerReceiver: 13,
  internal: 70,
} as const;

export function exitCodeFor(code: ErrorCode | undefined): number {
  switch (code) {
    case 'k8s_not_found': return EXIT.namespaceNotFound;
    case 'k8s_forbidden': return EXIT.forbidden;
    case 'k8s_unreachable': return EXIT.apiUnreachable;
    case 'input_invalid': return EXIT.inputInvalid;
    case 'config_invalid':
    case 'policy_invalid': return EXIT.configInvalid;
    case 'store_unavailable': return EXIT.redisUnavailable;
    case 'store_corrupt': return EXIT.auditBroken;
    default: return EXIT.internal;
  }
}

/** `audit verify`: 0 when the chain is intact, 9 when it was tampered with, 10 when it could not be read. */
export function exitCodeForAuditVerify(outcome: AuditVerifyOutcome): number {
  switch (outcome) {
    case 'intact': return EXIT.ok;
    case 'broken': return EXIT.auditBroken;
    case 'unreadable': return EXIT.redisUnavailable;
  }
}

/**
 * `doctor`: the code of the first failed check's system, so a script can tell what to fix first
 * (--json lists every check). Configuration and policies 8, Slack 11, a missing namespace 3,
 * RBAC 4, the rest of Kubernetes 5, Redis 10, Ollama 7, Prometheus 12, the Alertmanager receiver 13.
 */
export function exitCodeForCheck(id: string): number {
  if (id.startsWith('config.') || id.startsWith('policies.') || id === 'kubernetes.config') return EXIT.configInvalid;
  if (id.startsWith('slack.')) return EXIT.slackUnavailable;
  if (id === 'kubernetes.namespaces') return EXIT.namespaceNotFound;
  if (id.startsWith('kubernetes.rbac.')) return EXIT.forbidden;
  if (id.startsWith('kubernetes.')) return EXIT.apiUnreachable;
  if (id.startsWith('redis.')) return EXIT.redisUnavailable;
  if (id.startsWith('ollama.')) return EXIT.llmUnavailable;
  if (id.startsWith('prometheus.')) return EXIT.prometheusUnavailable;
  if (id.startsWith('alertmanager.')) return EXIT.alertmanagerReceiver;
  return EXIT.internal;
}
