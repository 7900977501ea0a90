// Exit codes of `kube-ai-sre`: scripts branch on these, so they never change meaning.
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
  internal: 70,
} as const;

import type { ErrorCode } from '../core/errors.ts';

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
