// Making untrusted text safe for Slack mrkdwn, and cutting text to Slack's limits visibly.
// Escaping &, < and > is all Slack needs: it makes <!channel>, <@U…>, <#C…> and <url|label> inert.

export const ELLIPSIS = '…';

export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * At most `max` characters (UTF-16 units, as Slack counts), ending in "…" when cut. Never splits
 * a surrogate pair or an HTML entity made by escapeMrkdwn.
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  if (max === 1) return ELLIPSIS;
  let cut = max - ELLIPSIS.length;
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut--;
  // Do not leave half an entity ("&am") behind.
  const amp = text.lastIndexOf('&', cut - 1);
  const entity = amp === -1 ? null : /^&(amp|lt|gt);/.exec(text.slice(amp, amp + 5));
  if (entity && amp + entity[0].length > cut) cut = amp;
  return text.slice(0, cut) + ELLIPSIS;
}

/** Escaped text inside `inline code`; backticks become a look-alike so they cannot end the span. */
export function codeSpan(text: string): string {
  const safe = escapeMrkdwn(text.replace(/[\r\n]+/g, ' ').replace(/`/g, 'ˋ'));
  return `\`${safe === '' ? ' ' : safe}\``;
}

/**
 * Escaped lines in a ``` block, within `max` characters overall. Lines that do not fit are
 * counted in a visible "… N more lines" note after the block.
 */
export function codeBlock(lines: readonly string[], max: number, maxLineLength = 500): string {
  const open = '```\n';
  const close = '\n```';
  const kept: string[] = [];
  let used = open.length + close.length;
  const noteRoom = 40;
  for (let i = 0; i < lines.length; i++) {
    const line = truncate(escapeMrkdwn(lines[i]!.replace(/`/g, 'ˋ').replace(/\r/g, '')), maxLineLength);
    const cost = line.length + (kept.length ? 1 : 0);
    const remainingAfter = lines.length - i - 1;
    if (used + cost + (remainingAfter ? noteRoom : 0) > max) break;
    kept.push(line);
    used += cost;
  }
  const omitted = lines.length - kept.length;
  if (kept.length === 0) return omitted ? `_${omitted} line${omitted === 1 ? '' : 's'} not shown (too long)_` : '';
  const body = open + kept.join('\n') + close;
  return omitted ? `${body}\n_… ${omitted} more line${omitted === 1 ? '' : 's'} not shown_` : body;
}

/** Each line as a mrkdwn quote, escaped. */
export function quote(text: string): string {
  return escapeMrkdwn(text)
    .split(/\r?\n/)
    .map((l) => `>${l}`)
    .join('\n');
}

const SLACK_USER_ID = /^[UW][A-Z0-9]{2,30}$/;

/** A mention we build ourselves, only from a well-formed user id; anything else is shown as escaped text. */
export function mention(userId: string, fallbackName?: string): string {
  if (SLACK_USER_ID.test(userId)) return `<@${userId}>`;
  return escapeMrkdwn(fallbackName ?? userId);
}

/**
 * A timestamp Slack shows in each reader's time zone, with the ISO text as fallback. Unparseable
 * input is shown as escaped text.
 */
export function slackDate(iso: string): string {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return escapeMrkdwn(iso);
  const seconds = Math.floor(ms / 1000);
  return `<!date^${seconds}^{date_short_pretty} {time}|${escapeMrkdwn(new Date(ms).toISOString())}>`;
}
