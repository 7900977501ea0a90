// A message built by the bot around stored values (refusals, errors) made safe for mrkdwn: all
// of it escaped, then only well-formed user mentions (<@U…>) turned back on.
import { escapeMrkdwn, truncate } from './escape.ts';

export function noticeText(message: string, max = 1500): string {
  return escapeMrkdwn(truncate(message, max)).replace(/&lt;@([UW][A-Z0-9]{2,30})&gt;/g, '<@$1>');
}
