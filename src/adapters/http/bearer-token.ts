// Bearer token check for the Alertmanager webhook (Alertmanager's http_config.authorization sends
// "Authorization: Bearer <credentials>"). Compared in constant time: both sides are hashed to the
// same length first, so neither the content nor the length of the token leaks through timing.
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

export function bearerMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? '');
  // Always compare, so a missing or malformed header costs the same as a wrong token.
  const given = m?.[1] ?? '';
  const same = timingSafeEqual(digest(given), digest(token));
  return m !== null && same;
}
