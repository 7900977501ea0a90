// The human checklist of `kube-ai-sre doctor`: one line per check under its area, a failure or
// warning carrying its fix on the same line, and a one-line summary. Plain text, no colours.
import { AREA_TITLES, CHECK_AREAS, summarize, type CheckResult, type CheckStatus } from './check.ts';

const MARK: Record<CheckStatus, string> = { ok: '✓', warn: '!', fail: '✗', skip: '-' };

export function renderChecklist(results: readonly CheckResult[]): string {
  const lines: string[] = [];
  const width = Math.max(0, ...results.map((r) => r.title.length));
  for (const area of CHECK_AREAS) {
    const inArea = results.filter((r) => r.area === area);
    if (inArea.length === 0) continue;
    lines.push(AREA_TITLES[area]);
    for (const r of inArea) {
      const latency = r.latencyMs !== undefined && !r.detail.includes(`${r.latencyMs} ms`) ? ` (${r.latencyMs} ms)` : '';
      const fix = r.fix !== undefined && (r.status === 'fail' || r.status === 'warn') ? ` → fix: ${r.fix}` : '';
      lines.push(`  ${MARK[r.status]} ${r.title.padEnd(width)}  ${r.detail}${latency}${fix}`);
    }
  }
  lines.push('', summaryLine(results));
  return lines.join('\n');
}

export function summaryLine(results: readonly CheckResult[]): string {
  const s = summarize(results);
  const parts = [`${s.ok} ok`, `${s.warn} warning${s.warn === 1 ? '' : 's'}`, `${s.fail} failed`, `${s.skip} skipped`];
  const verdict = s.fail === 0 ? 'ready to start' : 'fix the failed checks (✗) before `npm start`';
  return `${s.total} check${s.total === 1 ? '' : 's'}: ${parts.join(', ')} — ${verdict}`;
}
