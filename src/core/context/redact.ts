// Removes secrets from text before it leaves the process (LLM prompt, Slack, store). Patterns are
// bounded (no nested quantifiers) so a hostile log line cannot make them slow. Each replacement
// says what was removed, e.g. "[REDACTED:jwt]", which still helps a reader understand the line.
const MARK = '[REDACTED';
const mark = (what: string) => `${MARK}:${what}]`;
const MARK_RE = /\[REDACTED:[a-z-]+\]/g;

/** How many redaction marks a text carries (what is left of the redactions after cuts). */
export function countRedactions(text: string): number {
  return text.match(MARK_RE)?.length ?? 0;
}

interface Rule {
  re: RegExp;
  /** Returns the replacement, or undefined to keep the match as it is. */
  replace: (m: string, groups: (string | undefined)[]) => string | undefined;
}

const KEYWORDS = String.raw`(?:password|passwd|secret|secret[_-]?key|token|api[_-]?key|access[_-]?key|private[_-]?key|account[_-]?key|credentials?)`;
// A key ends with a keyword ("DB_PASSWORD", "clientSecret", "x-api-key", "aws_secret_access_key")
// and nothing alphanumeric follows, so "tokenizer", "max_tokens" and "secretName" are left alone.
const KEY = String.raw`(?<![A-Za-z0-9])([A-Za-z0-9_.-]{0,40}?${KEYWORDS})(?![A-Za-z0-9_.-])`;
const SEP = String.raw`(\\?["']?[ \t]*[:=][ \t]*)`;

const looksLikeToken = (s: string) => /[0-9]/.test(s) || /[-._~+/=]/.test(s);

function isBasicCredential(b64: string): boolean {
  try {
    return atob(b64).includes(':');
  } catch {
    return false;
  }
}

const RULES: Rule[] = [
  // PEM private keys, whole block; a block cut by a log window is removed up to the cut.
  {
    re: /-----BEGIN[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----|$)/g,
    replace: () => mark('private-key'),
  },
  {
    re: /^[\s\S]*?-----END[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----/g,
    replace: () => mark('private-key'),
  },
  // Passwords in URLs and URL-style connection strings: keep scheme, user and host.
  {
    // The password runs to the last "@" before the path: unencoded "@" in passwords is common.
    re: /\b([a-z][a-z0-9+.-]{1,30}:\/\/)([^\s:/@]*):([^\s/]+)@/gi,
    replace: (_m, [scheme, user, pass]) => (pass?.startsWith(MARK) ? undefined : `${scheme}${user}:${mark('password')}@`),
  },
  // Slack incoming webhooks carry their secret in the path.
  {
    re: /(https:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/)[A-Za-z0-9/_-]+/g,
    replace: (_m, [prefix]) => `${prefix}${mark('webhook')}`,
  },
  // Authorization / Proxy-Authorization / Cookie headers, in HTTP, JSON, Go-map or env style.
  {
    // Digest / AWS4 credentials are parameter lists (to the end of the value); others one token.
    re: /\b((?:proxy-)?authorization\\?["']?[ \t]*[:=][ \t]*\[?\\?["']?)(?:(digest|aws4-hmac-sha256)[ \t]+([^"'\\\]\n\r]+)|(?:(bearer|basic|token|negotiate|apikey)[ \t]+)?([^\s"'\\,;\]]+))/gi,
    replace: (_m, [head, paramScheme, params, scheme, cred]) => {
      const value = params ?? cred ?? '';
      if (value.startsWith(MARK)) return undefined;
      const s = paramScheme ?? scheme;
      return `${head}${s ? `${s} ` : ''}${mark('credential')}`;
    },
  },
  {
    re: /\b((?:set-)?cookie[ \t]*:[ \t]*)([^\n\r]+)/gi,
    replace: (_m, [head, value]) => (value?.startsWith(MARK) ? undefined : `${head}${mark('cookie')}`),
  },
  // JSON Web Tokens (service-account tokens, OIDC id tokens...).
  {
    re: /\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g,
    replace: () => mark('jwt'),
  },
  // Provider tokens with recognisable prefixes.
  { re: /\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|AROA|ANPA|ANVA|APKA)[A-Z0-9]{16}\b/g, replace: () => mark('aws-access-key') },
  { re: /\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{30,}\b|\bgithub_pat_[A-Za-z0-9_]{22,}/g, replace: () => mark('github-token') },
  { re: /\bglpat-[A-Za-z0-9_-]{20,}/g, replace: () => mark('gitlab-token') },
  { re: /\bxox[abposer]-[A-Za-z0-9-]{10,}|\bxapp-[A-Za-z0-9-]{10,}/g, replace: () => mark('slack-token') },
  { re: /\bAIza[0-9A-Za-z_-]{35}\b/g, replace: () => mark('google-api-key') },
  { re: /\b[rs]k_(?:live|test)_[A-Za-z0-9]{16,}/g, replace: () => mark('stripe-key') },
  { re: /\bsk-(?:proj-|ant-)?[A-Za-z0-9_-]{32,}/g, replace: () => mark('api-key') },
  // Bare "Bearer <token>" / "Basic <base64 user:pass>" outside a header.
  {
    re: /\b(bearer[ \t]+)([A-Za-z0-9._~+/-]{8,}=*)/gi,
    replace: (_m, [head, tok]) => (tok && looksLikeToken(tok) ? `${head}${mark('credential')}` : undefined),
  },
  {
    re: /\b(basic[ \t]+)([A-Za-z0-9+/]{8,}={0,2})(?![A-Za-z0-9+/=])/gi,
    replace: (_m, [head, b64]) => (b64 && isBasicCredential(b64) ? `${head}${mark('credential')}` : undefined),
  },
  // key=value / key: value / "key": "value" where the key names a secret.
  {
    re: new RegExp(`${KEY}${SEP}(?:(\\\\?")([^"\\\\\\n]*)(\\\\?")|'([^'\\n]*)'|([^\\s"'\\\\,;&}\\]]+))`, 'gi'),
    replace: (_m, [key, sep, q1, dq, q2, sq, bare]) => {
      const value = dq ?? sq ?? bare ?? '';
      if (value === '' || value.startsWith(MARK) || /^\*+$/.test(value)) return undefined;
      const redacted = mark('secret');
      if (dq !== undefined) return `${key}${sep}${q1}${redacted}${q2}`;
      if (sq !== undefined) return `${key}${sep}'${redacted}'`;
      return `${key}${sep}${redacted}`;
    },
  },
  // Env lists as pod specs print them: {"name":"DB_PASSWORD","value":"hunter2"} or YAML name:/value: lines.
  {
    re: new RegExp(
      String.raw`(\bname\\?["']?[ \t]*:[ \t]*\\?["']?[A-Za-z0-9_.-]{0,40}?${KEYWORDS}\\?["']?[ \t]*,?[ \t]*\r?\n?[ \t-]*\\?["']?value\\?["']?[ \t]*:[ \t]*)(\\?["']?)([^"'\\\r\n]+)`,
      'gi',
    ),
    replace: (_m, [head, quote, value]) => (value?.startsWith(MARK) ? undefined : `${head}${quote}${mark('secret')}`),
  },
  // Command-line flags: --password hunter2, --token abc
  {
    re: /(--?(?:password|passwd|token|secret|api-key|access-key|client-secret)[ \t]+)([^\s-][^\s]*)/gi,
    replace: (_m, [head, value]) => (value?.startsWith(MARK) ? undefined : `${head}${mark('secret')}`),
  },
];

export interface Redacted {
  text: string;
  /** How many secrets were replaced. */
  count: number;
}

export function redact(text: string): Redacted {
  let count = 0;
  let out = text;
  for (const rule of RULES) {
    out = out.replace(rule.re, (m: string, ...args: unknown[]) => {
      // replace() passes groups, then offset, whole string (and named groups): keep the groups.
      const end = args.findIndex((a) => typeof a === 'number');
      const groups = args.slice(0, end) as (string | undefined)[];
      const r = rule.replace(m, groups);
      if (r === undefined || r === m) return m;
      count++;
      return r;
    });
  }
  return { text: out, count };
}
