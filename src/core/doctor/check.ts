// One line of `kube-ai-sre doctor`: what was checked, how it went, and for a failure or warning
// how to fix it. Checks never throw: whatever goes wrong is a result.

export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

/** Sections of the checklist, in the order they print. */
export const CHECK_AREAS = ['config', 'slack', 'kubernetes', 'redis', 'ollama', 'prometheus', 'alertmanager', 'policies'] as const;
export type CheckArea = (typeof CHECK_AREAS)[number];

export const AREA_TITLES: Record<CheckArea, string> = {
  config: 'Configuration',
  slack: 'Slack',
  kubernetes: 'Kubernetes',
  redis: 'Redis',
  ollama: 'Ollama',
  prometheus: 'Prometheus',
  alertmanager: 'Alertmanager',
  policies: 'Policies',
};

export interface CheckResult {
  /** Stable id, e.g. "slack.channel"; scripts read it from --json. */
  id: string;
  area: CheckArea;
  /** Short name shown in the checklist, e.g. "incident channel". */
  title: string;
  status: CheckStatus;
  /** What was found, one line. */
  detail: string;
  /** What to do about it; set on failures and warnings. */
  fix?: string;
  /** Time the check's own request took, where one was timed (the LLM test call). */
  latencyMs?: number;
}

type Base = Pick<CheckResult, 'id' | 'area' | 'title'>;

export const ok = (base: Base, detail: string, extra: Partial<CheckResult> = {}): CheckResult => ({ ...base, status: 'ok', detail, ...extra });
export const warn = (base: Base, detail: string, fix: string, extra: Partial<CheckResult> = {}): CheckResult => ({ ...base, status: 'warn', detail, fix, ...extra });
export const fail = (base: Base, detail: string, fix: string, extra: Partial<CheckResult> = {}): CheckResult => ({ ...base, status: 'fail', detail, fix, ...extra });
export const skip = (base: Base, detail: string): CheckResult => ({ ...base, status: 'skip', detail });

export interface CheckSummary {
  total: number;
  ok: number;
  warn: number;
  fail: number;
  skip: number;
}

export function summarize(results: readonly CheckResult[]): CheckSummary {
  const count = (s: CheckStatus) => results.filter((r) => r.status === s).length;
  return { total: results.length, ok: count('ok'), warn: count('warn'), fail: count('fail'), skip: count('skip') };
}

/** Results grouped by area in checklist order, each area keeping the order its checks ran in. */
export function inChecklistOrder(results: readonly CheckResult[]): CheckResult[] {
  return CHECK_AREAS.flatMap((area) => results.filter((r) => r.area === area));
}

/** The first failed check in checklist order: what to fix first, and what the exit code names. */
export function firstFailure(results: readonly CheckResult[]): CheckResult | undefined {
  return inChecklistOrder(results).find((r) => r.status === 'fail');
}
