import { describe, expect, it } from 'vitest';
import { capLine, clampText, countLines, tailLines, truncationMarker } from '../../../src/core/context/budget.ts';

const log = (n: number) => Array.from({ length: n }, (_, i) => `line ${i + 1}`).join('\n');

describe('countLines', () => {
  it.each([
    ['', 0],
    ['a', 1],
    ['a\n', 1],
    ['a\nb', 2],
    ['a\nb\n', 2],
    ['\n', 1],
  ])('%j has %i lines', (text, n) => {
    expect(countLines(text)).toBe(n);
  });
});

describe('capLine', () => {
  it('keeps short lines and marks cut ones, never exceeding the cap', () => {
    expect(capLine('short', 20)).toBe('short');
    const cut = capLine('x'.repeat(500), 100);
    expect(cut).toHaveLength(100);
    expect(cut).toMatch(/^x+… \[\+\d+ chars\]$/);
    expect(capLine('abcdef', 3)).toBe('abc');
  });
});

describe('tailLines', () => {
  it('keeps the last lines and says how many were dropped', () => {
    const t = tailLines(log(1000), { maxLines: 3, maxChars: 10_000, maxLineChars: 100 });
    expect(t).toEqual({ lines: [truncationMarker(997), 'line 998', 'line 999', 'line 1000'], droppedLines: 997 });
    expect(truncationMarker(997)).toBe('… [truncated 997 lines]');
  });

  it('keeps everything when it fits, trailing newline or not', () => {
    expect(tailLines('a\nb\n', { maxLines: 10, maxChars: 100, maxLineChars: 100 })).toEqual({ lines: ['a', 'b'], droppedLines: 0 });
    expect(tailLines('', { maxLines: 10, maxChars: 100, maxLineChars: 100 })).toEqual({ lines: [], droppedLines: 0 });
  });

  it.each([50, 80, 120, 400])('stays within %i chars, marker included', (maxChars) => {
    const t = tailLines(log(10_000), { maxLines: 1000, maxChars, maxLineChars: 40 });
    expect(t.lines.join('\n').length).toBeLessThanOrEqual(maxChars);
    expect(t.lines.at(-1)).toBe('line 10000');
    expect(t.lines[0]).toBe(truncationMarker(t.droppedLines));
    expect(t.droppedLines + t.lines.length - 1).toBe(10_000);
  });

  it('caps long lines and handles CRLF', () => {
    const t = tailLines(`first\r\n${'y'.repeat(300)}\r\nlast\r\n`, { maxLines: 10, maxChars: 1000, maxLineChars: 50 });
    expect(t.lines).toHaveLength(3);
    expect(t.lines[1]).toHaveLength(50);
    expect(t.lines[2]).toBe('last');
  });

  it('adds lines the caller already cut to the count', () => {
    const t = tailLines(log(5), { maxLines: 2, maxChars: 1000, maxLineChars: 100 }, 100);
    expect(t).toEqual({ lines: [truncationMarker(103), 'line 4', 'line 5'], droppedLines: 103 });
  });
});

describe('clampText', () => {
  it('keeps the start within the budget, with a visible marker', () => {
    const text = log(100);
    const out = clampText(text, 120);
    expect(out.length).toBeLessThanOrEqual(120);
    expect(out.startsWith('line 1\nline 2\n')).toBe(true);
    expect(out).toMatch(/… \[truncated \d+\+ chars, \d+ lines\]$/);
    expect(clampText('short', 120)).toBe('short');
  });
});
