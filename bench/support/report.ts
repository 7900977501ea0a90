// What every benchmark prints: a header naming the machine, and small Markdown tables of figures
// (pasted as is into bench/RESULTS.md). No pass/fail: figures only.
import { cpus, totalmem } from 'node:os';

export interface Machine {
  node: string;
  cpu: string;
  cores: number;
  memoryGiB: number;
}

export function machine(): Machine {
  const list = cpus();
  return {
    node: process.version,
    cpu: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
  };
}

/** "## name", the command, the date and the machine. */
export function printHeader(name: string, command: string): void {
  const m = machine();
  console.log(`## ${name}`);
  console.log('');
  console.log(`command: \`${command}\``);
  console.log(`date: ${new Date().toISOString()}`);
  console.log(`machine: node ${m.node}, ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB RAM`);
  console.log('');
}

export type Cell = string | number;

export function printTable(headers: string[], rows: Cell[][]): void {
  const text = (c: Cell) => (typeof c === 'number' ? formatNumber(c) : c);
  const cells = [headers, ...rows.map((r) => r.map(text))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => `| ${r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  console.log(line(cells[0]!));
  console.log(`|${widths.map((w, i) => (i === 0 ? `${'-'.repeat(w + 1)}-` : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
  for (const r of cells.slice(1)) console.log(line(r));
  console.log('');
}

export function note(text: string): void {
  console.log(text);
  console.log('');
}

function formatNumber(n: number): string {
  if (Number.isInteger(n)) return String(n);
  const abs = Math.abs(n);
  return n.toFixed(abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3);
}

/** Nearest-rank percentile of unsorted values (p in 0..100). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

export const MiB = 2 ** 20;
export const mib = (bytes: number): number => Math.round((bytes / MiB) * 10) / 10;
