// What `npm start` says, in one block, when the configuration is incomplete: what stops the start
// (✗), what will work in a reduced way (!), and that `kube-ai-sre doctor` checks each item.

export interface StartupItem {
  /** missing: the agent cannot start without it; limited: it starts, doing less. */
  severity: 'missing' | 'limited';
  /** "SLACK_CHANNEL_ID: required when SLACK_BOT_TOKEN is set (where incidents are posted)". */
  text: string;
}

export const DOCTOR_HINT = 'Run `npx kube-ai-sre doctor` (same environment) to check each item, with how to fix it.';

export function renderStartupReport(items: readonly StartupItem[]): string {
  const missing = items.filter((i) => i.severity === 'missing');
  const limited = items.filter((i) => i.severity === 'limited');
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const head = missing.length > 0
    ? `kube-ai-sre-agent cannot start: ${plural(missing.length, 'thing')} missing or invalid${limited.length > 0 ? `, ${plural(limited.length, 'limitation')}` : ''}`
    : `kube-ai-sre-agent is starting with ${plural(limited.length, 'limitation')}`;
  return [
    head,
    ...missing.map((i) => `  ✗ ${i.text}`),
    ...limited.map((i) => `  ! ${i.text}`),
    DOCTOR_HINT,
  ].join('\n');
}
