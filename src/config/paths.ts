import { fileURLToPath } from 'node:url';

/** The policies shipped with the agent, used when POLICY_DIR is not set. */
export const BUILTIN_POLICY_DIR = fileURLToPath(new URL('../../policies', import.meta.url));

export function policyDir(configured: string | undefined): string {
  return configured ?? BUILTIN_POLICY_DIR;
}

/** The labelled incidents `kube-ai-sre eval` scores models on, shipped with the agent. */
export const BUILTIN_EVAL_CASES_DIR = fileURLToPath(new URL('../../eval/cases', import.meta.url));
