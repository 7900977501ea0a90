// Keeping text inside a character budget. Logs keep their LAST lines (the crash is at the end);
// every cut is marked visibly so neither a person nor the model mistakes a part for the whole.
// Works on huge strings without splitting them: it walks back from the end.

export function truncationMarker(droppedLines: number): string {
  return `… [truncated ${droppedLines} line${droppedLines === 1 ? '' : 's'}]`;
}

/** Caps one line, keeping its start. */
export function capLine(line: string, maxChars: number): string {
  if (line.length <= maxChars) return line;
  const note = `… [+${line.length - maxChars} chars]`;
  const keep = Math.max(0, maxChars - note.length);
  return keep > 0 ? line.slice(0, keep) + note : line.slice(0, maxChars);
}

/** Number of lines in text (a trailing newline does not start a new line). */
export function countLines(text: string, end: number = text.length): number {
  if (end <= 0) return 0;
  let n = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < end - 1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

export interface TailOptions {
  /** Most lines kept. */
  maxLines: number;
  /** Most characters of the result, lines joined with "\n", marker included. */
  maxChars: number;
  /** Longer lines are capped (their start kept). */
  maxLineChars: number;
}

export interface Tail {
  /** Kept lines, oldest first; starts with a truncation marker when lines were dropped. */
  lines: string[];
  droppedLines: number;
}

/**
 * The last lines of text that fit the options, with a marker for what was dropped.
 * `alreadyDropped` counts lines the caller cut before handing text in (a window of a huge log).
 */
export function tailLines(text: string, opts: TailOptions, alreadyDropped = 0): Tail {
  const body = text.endsWith('\r\n') ? text.slice(0, -2) : text.endsWith('\n') ? text.slice(0, -1) : text;
  // Room for a marker is held back whenever anything before the current line would be dropped.
  const reserve = truncationMarker(Number.MAX_SAFE_INTEGER).length + 1;
  const kept: string[] = [];
  let used = 0;
  let end = body.length; // exclusive end of the next line to take
  let start = body.length; // start of the earliest kept line
  while (body.length > 0 && kept.length < opts.maxLines) {
    const nl = end > 0 ? body.lastIndexOf('\n', end - 1) : -1;
    const lineStart = nl + 1;
    const line = capLine(body.slice(lineStart, end).replace(/\r$/, ''), opts.maxLineChars);
    const cost = line.length + (kept.length > 0 ? 1 : 0);
    const moreBefore = lineStart > 0 || alreadyDropped > 0;
    if (used + cost + (moreBefore ? reserve : 0) > opts.maxChars) break;
    kept.push(line);
    used += cost;
    start = lineStart;
    if (lineStart === 0) break;
    end = nl;
  }
  kept.reverse();
  const dropped = alreadyDropped + (start > 0 ? countLines(body, start) : 0);
  if (dropped > 0) {
    const marker = truncationMarker(dropped);
    if (used + marker.length + (kept.length > 0 ? 1 : 0) <= opts.maxChars) kept.unshift(marker);
  }
  return { lines: kept, droppedLines: dropped };
}

/** Caps a whole text, keeping its start, with a visible marker. */
export function clampText(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const dropped = countLines(text) - countLines(text.slice(0, maxChars));
  const note = `\n… [truncated ${text.length - maxChars}+ chars${dropped > 0 ? `, ${dropped} lines` : ''}]`;
  const keep = Math.max(0, maxChars - note.length);
  return keep > 0 ? text.slice(0, keep) + note : text.slice(0, maxChars);
}
