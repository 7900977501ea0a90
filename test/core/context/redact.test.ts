import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { redact } from '../../../src/core/context/redact.ts';

const JWT =
  'eyJhbGciOiJSUzI1NiIsImtpZCI6IjEyMyJ9.eyJpc3MiOiJrdWJlcm5ldGVzL3NlcnZpY2VhY2NvdW50Iiwic3ViIjoic3lzdGVtOnNlcnZpY2VhY2NvdW50OnNob3A6d2ViIn0.c2lnbmF0dXJlLWJ5dGVzLWhlcmU';

describe('redact', () => {
  it.each([
    {
      name: 'bearer Authorization header in an access log',
      line: `10.244.1.1 - - "GET /api/orders HTTP/1.1" 200 Authorization: Bearer ${JWT}`,
      secrets: [JWT],
      expected: '10.244.1.1 - - "GET /api/orders HTTP/1.1" 200 Authorization: Bearer [REDACTED:credential]',
    },
    {
      name: 'basic Authorization header in a JSON log',
      line: '{"level":"debug","msg":"outgoing","headers":{"authorization":"Basic c2hvcDpodW50ZXIy","accept":"*/*"}}',
      secrets: ['c2hvcDpodW50ZXIy'],
      expected: '{"level":"debug","msg":"outgoing","headers":{"authorization":"Basic [REDACTED:credential]","accept":"*/*"}}',
    },
    {
      name: 'Go map-printed header',
      line: 'request headers: map[Accept:[application/json] Authorization:[Bearer abc123.def456]]',
      secrets: ['abc123.def456'],
    },
    { name: 'bare JWT', line: `validating id_token ${JWT} for user`, secrets: [JWT], expected: 'validating id_token [REDACTED:jwt] for user' },
    {
      name: 'AWS access key and secret key (env style)',
      line: 'AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY AWS_REGION=eu-west-1',
      secrets: ['AKIAIOSFODNN7EXAMPLE', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'],
      expected: 'AWS_ACCESS_KEY_ID=[REDACTED:aws-access-key] AWS_SECRET_ACCESS_KEY=[REDACTED:secret] AWS_REGION=eu-west-1',
    },
    {
      name: 'AWS secret key in a JSON credentials blob',
      line: '{"AccessKeyId":"ASIAY34FZKBOKMUTVV7A","SecretAccessKey":"9drTJvcXLB89EXAMPLELB8923FB892xMFI","Expiration":"2024-05-14T12:00:00Z"}',
      secrets: ['ASIAY34FZKBOKMUTVV7A', '9drTJvcXLB89EXAMPLELB8923FB892xMFI'],
    },
    {
      name: 'GitHub token',
      line: 'git clone https://x-access-token:ghp_1234567890abcdefghijklmnopqrstuvwxyzAB@github.com/acme/shop.git',
      secrets: ['ghp_1234567890abcdefghijklmnopqrstuvwxyzAB'],
    },
    { name: 'fine-grained GitHub token', line: 'GH_PAT github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz', secrets: ['github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz'] },
    {
      name: 'Slack bot, user and app tokens',
      line: 'starting bolt with xoxb-1234567890-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx, xoxp-9876543210-9876543210-abcdefabcdef and xapp-1-A0123456789-1234567890123-0123456789abcdef',
      secrets: ['xoxb-1234567890-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx', 'xoxp-9876543210-9876543210-abcdefabcdef', 'xapp-1-A0123456789-1234567890123-0123456789abcdef'],
    },
    { name: 'Slack webhook URL', line: 'posting to https://hooks.slack.com/services/T0123ABCD/B0456EFGH/abcdefghijklmnopqrstuvwx', secrets: ['abcdefghijklmnopqrstuvwx'] },
    {
      name: 'password in a Postgres URL (with an unencoded @)',
      line: 'DATABASE_URL=postgres://shop:s3cr3t-P@ss@db.shop.svc:5432/orders?sslmode=require',
      secrets: ['s3cr3t-P@ss', 'P@ss'],
      expected: 'DATABASE_URL=postgres://shop:[REDACTED:password]@db.shop.svc:5432/orders?sslmode=require',
    },
    { name: 'Redis URL with empty user', line: 'dial redis://:hunter2hunter2@redis-master:6379/0: i/o timeout', secrets: ['hunter2hunter2'] },
    { name: 'MongoDB SRV URL', line: 'MongoServerSelectionError: mongodb+srv://app:Tr0ub4dor@cluster0.x1y2z.mongodb.net/shop', secrets: ['Tr0ub4dor'] },
    {
      name: 'ADO.NET connection string',
      line: 'Server=tcp:sql1.database.windows.net,1433;Database=orders;User Id=app;Password=Sup3r$ecret;Encrypt=true',
      secrets: ['Sup3r$ecret'],
      expected: 'Server=tcp:sql1.database.windows.net,1433;Database=orders;User Id=app;Password=[REDACTED:secret];Encrypt=true',
    },
    { name: 'Azure storage connection string', line: 'DefaultEndpointsProtocol=https;AccountName=shop;AccountKey=Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA==;EndpointSuffix=core.windows.net', secrets: ['Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA=='] },
    {
      name: 'JSON password with spaces',
      line: 'config loaded: {"db":{"user":"app","password":"correct horse battery staple"}}',
      secrets: ['correct horse battery staple', 'horse'],
      expected: 'config loaded: {"db":{"user":"app","password":"[REDACTED:secret]"}}',
    },
    { name: 'escaped JSON inside a JSON log', line: '{"msg":"payload {\\"client_secret\\":\\"cs-9f8e7d6c5b\\"}"}', secrets: ['cs-9f8e7d6c5b'] },
    { name: 'env dump', line: 'DB_PASSWORD=hunter2 LOG_LEVEL=debug', secrets: ['hunter2'], expected: 'DB_PASSWORD=[REDACTED:secret] LOG_LEVEL=debug' },
    { name: 'YAML passwd', line: '  passwd: letmein42', secrets: ['letmein42'], expected: '  passwd: [REDACTED:secret]' },
    { name: 'query-string token', line: 'GET /callback?code=abc&access_token=ya29.a0AfH6SMB&state=xyz 302', secrets: ['ya29.a0AfH6SMB'], expected: 'GET /callback?code=abc&access_token=[REDACTED:secret]&state=xyz 302' },
    { name: 'single-quoted secret', line: "settings.SECRET_KEY = 'django-insecure-9x!q@w#e'", secrets: ['django-insecure-9x!q@w#e'] },
    { name: 'API key header', line: 'X-Api-Key: 3f9a0c1d2b4e5f60a7b8', secrets: ['3f9a0c1d2b4e5f60a7b8'] },
    { name: 'Stripe key behind api_key', line: 'api_key=sk_live_4eC39HqLyjWDarjtT1zdp7dc', secrets: ['sk_live_4eC39HqLyjWDarjtT1zdp7dc'] },
    { name: 'env list entry in JSON', line: '{"name":"API_TOKEN","value":"abc123xyz"}', secrets: ['abc123xyz'] },
    { name: 'env list entry in YAML', line: '- name: DB_PASSWORD\n  value: hunter2', secrets: ['hunter2'] },
    { name: 'command-line flag', line: 'exec: app --password hunter2 --verbose', secrets: ['hunter2'], expected: 'exec: app --password [REDACTED:secret] --verbose' },
    { name: 'Cookie header', line: 'Cookie: session=9f8e7d6c5b4a; csrftoken=abc', secrets: ['9f8e7d6c5b4a'] },
    {
      name: 'PEM private key block',
      line: 'loaded key:\n-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA0Z3VS5JJcds3xfn/ygWyF8PbnGy0AHB7MhgHcTz6sE2I2yPB\naUHu3cLJ8D2VnCmBrQ==\n-----END RSA PRIVATE KEY-----\nserver started',
      secrets: ['MIIEpAIBAAKCAQEA0Z3VS5JJcds3xfn', 'aUHu3cLJ8D2VnCmBrQ=='],
      expected: 'loaded key:\n[REDACTED:private-key]\nserver started',
    },
    {
      name: 'PEM block cut by the log window (end marker only)',
      line: 'aUHu3cLJ8D2VnCmBrQ==\n-----END PRIVATE KEY-----\nserver started',
      secrets: ['aUHu3cLJ8D2VnCmBrQ=='],
      expected: '[REDACTED:private-key]\nserver started',
    },
    { name: 'PEM block cut at the end', line: 'key:\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA', secrets: ['b3BlbnNzaC1rZXktdjEAAAAA'] },
  ])('removes $name', ({ line, secrets, expected }) => {
    const out = redact(line);
    for (const s of secrets) expect(out.text).not.toContain(s);
    expect(out.count).toBeGreaterThanOrEqual(1);
    if (expected !== undefined) expect(out.text).toBe(expected);
  });

  it.each([
    'loading tokenizer from /models/bert-base-uncased',
    'password reset email sent to user 42',
    'memory usage 61.2MiB of 64Mi (limit=64Mi request=32Mi), RSS 65104kB',
    'Container app was using 300Mi, request is 0, has larger consumption of memory.',
    'OOMKilled exitCode=137 restartCount=5 finishedAt=2024-05-14T08:21:09Z',
    'Bearer token missing in request',
    'Basic authentication required for /admin',
    'Authorization header missing',
    'secretName: web-db',
    'secretKeyRef: {name: web-db, key: password}',
    'max_tokens=512 token_count=100 tokens_per_second=12.5',
    'commit 3f786850e387550fdab836ed7e6dc881de23001b deployed',
    'request id 9b2f6c1e-3d4a-4b5c-8d7e-0f1a2b3c4d5e',
    'PWD=/app HOME=/root',
    'https://shop.example.com:8443/api/v1/orders?page=2',
    'Invalid password for user admin (attempt 3 of 5)',
    'Back-off restarting failed container app in pod web-7d4b9c8f6-x2x9k_shop(5c0a3f6e-8d2b-4b71-a4c3-2f9e1d7b6a10)',
    'password: ',
    'password=[REDACTED]',
  ])('keeps %j intact', (line) => {
    expect(redact(line)).toEqual({ text: line, count: 0 });
  });

  // A bare "Bearer <word>" outside a header is a credential only when the word looks like a token
  // (a digit or token punctuation in it); plain words after "bearer" are prose and stay.
  it.each([
    // Kept: ordinary log lines, including ones where "bearer" is followed by a plain word.
    ['plain word after Bearer', 'Bearer authentication failed: upstream returned 401 Unauthorized', 'same'],
    ['bearer credentials in prose', 'falling back to bearer credentials from the mounted service account', 'same'],
    ['Bearer before a header name', 'proxy expects Bearer Authorization on every request to /api', 'same'],
    ['Bearer scheme in a challenge', 'WWW-Authenticate: Bearer realm="orders", error="invalid_token"', 'same'],
    ['Spring filter log', 'o.s.s.o.s.r.w.BearerTokenAuthenticationFilter : Bearer unsupported, rejecting request', 'same'],
    ['ordinary words', 'Shutting down gracefully after receiving SIGTERM', 'same'],
    ['file path', 'reading config from /etc/shop/application.yaml and /var/lib/app/cache', 'same'],
    ['pod name', 'pod checkout-7d4b9c8f6-x2x9k in namespace shop was OOMKilled', 'same'],
    ['Java stack frame', '\tat com.acme.auth.BearerTokenFilter.doFilter(BearerTokenFilter.java:42)', 'same'],
    ['Java exception', 'java.lang.OutOfMemoryError: Java heap space', 'same'],
    ['numbers', 'processed 18234 orders in 93.4s (195.2/s), 12 failed', 'same'],
    ['memory quantities', 'container app: limit 512Mi, request 256Mi, usage 498Mi (97%), node allocatable 7.5Gi', 'same'],
    ['Go GC trace', 'gc 1432 @8421.112s 4%: 0.031+12+0.019 ms clock, 64->66->33 MB, 68 MB goal, 8 P', 'same'],
    ['identifiers without hex', 'cache warmup done for region eu-west-1, shard orders_primary', 'same'],
    // Redacted: a bare Bearer followed by something token-like.
    ['Bearer with a hex token (digits, no punctuation)', 'retrying GET /v1/charges with bearer 9f8e7d6c5b4a3f2e', 'retrying GET /v1/charges with bearer [REDACTED:credential]'],
    ['Bearer with a dotted token (punctuation, no digits)', 'calling payments with Bearer abcdefgh.ijklmnop', 'calling payments with Bearer [REDACTED:credential]'],
    ['Bearer with a base64 token', 'upstream sent bearer ZGVtbw+c2VjcmV0/dG9rZW4=', 'upstream sent bearer [REDACTED:credential]'],
    ['Bearer with an OAuth token', 'exchanged code, got bearer ya29.a0AfH6SMBx3Kq for the session', 'exchanged code, got bearer [REDACTED:credential] for the session'],
  ])('bare Bearer and ordinary lines: %s', (_name, line, expected) => {
    const out = redact(line);
    if (expected === 'same') expect(out).toEqual({ text: line, count: 0 });
    else expect(out).toEqual({ text: expected, count: 1 });
  });

  it('is idempotent: redacting twice removes nothing more', () => {
    const once = redact(`Authorization: Bearer ${JWT} password=hunter2 postgres://u:p4ss@h/db AKIAIOSFODNN7EXAMPLE`);
    expect(once.count).toBe(4);
    expect(redact(once.text)).toEqual({ text: once.text, count: 0 });
  });

  it('removes generated secrets wherever they sit in a log line (property)', () => {
    const alnum = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'.split('')), minLength: 12, maxLength: 40 });
    const b64url = (min: number) => fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-'.split('')), minLength: min, maxLength: 60 });
    const upperDigits = fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ0234567'.split('')), minLength: 16, maxLength: 16 });
    // Secret values: mixed case + digit, so they cannot occur in the surrounding words by chance.
    const value = alnum.map((s) => `Q7${s}`);
    const secret = fc.oneof(
      fc.tuple(b64url(8), b64url(8), b64url(0)).map(([h, p, s]) => ({ secret: `eyJ${h}.eyJ${p}.${s}`, text: `eyJ${h}.eyJ${p}.${s}` })),
      upperDigits.map((s) => ({ secret: `AKIA${s}`, text: `AKIA${s}` })),
      alnum.map((s) => ({ secret: `ghp_${s}${s}${s}`, text: `ghp_${s}${s}${s}` })),
      fc.tuple(fc.constantFrom('xoxb', 'xoxp', 'xapp'), alnum).map(([p, s]) => ({ secret: s, text: `${p}-1234-${s}` })),
      fc.tuple(fc.constantFrom('password', 'DB_PASSWORD', 'client_secret', 'api_key', 'apiKey', 'access_token', 'GITHUB_TOKEN', 'passwd'), fc.constantFrom('=', ': ', '":"', '=\'', ' = "'), value).map(
        ([k, sep, v]) => ({ secret: v, text: `${sep.startsWith('"') ? '"' : ''}${k}${sep}${v}${sep.endsWith('"') ? '"' : sep.endsWith("'") ? "'" : ''}` }),
      ),
      fc.tuple(fc.constantFrom('postgres', 'mysql', 'mongodb+srv', 'redis', 'amqp', 'https'), fc.constantFrom('app', 'admin', ''), value).map(([scheme, user, v]) => ({
        secret: v,
        text: `${scheme}://${user}:${v}@db.internal:5432/shop`,
      })),
      fc.tuple(fc.constantFrom('Bearer', 'Token'), value).map(([scheme, v]) => ({ secret: v, text: `Authorization: ${scheme} ${v}` })),
      fc.array(b64url(20), { minLength: 1, maxLength: 4 }).map((ls) => ({
        secret: ls[0] ?? '',
        text: `-----BEGIN PRIVATE KEY-----\n${ls.join('\n')}\n-----END PRIVATE KEY-----`,
      })),
    );
    const word = fc.constantFrom('INFO', 'ERROR', 'starting', 'request', 'done', 'level=warn', '{"msg":', 'user=42', '"ok"}', 'elapsed=12ms');
    fc.assert(
      fc.property(fc.array(word, { maxLength: 5 }), secret, fc.array(word, { maxLength: 5 }), (before, s, after) => {
        const line = [...before, s.text, ...after].join(' ');
        const out = redact(line);
        expect(out.text).not.toContain(s.secret);
        expect(out.count).toBeGreaterThanOrEqual(1);
      }),
      { numRuns: 1000 },
    );
  });

  it('handles a long hostile line without pathological slowdown of its patterns', () => {
    // Linear patterns finish; catastrophic backtracking would never return on this input.
    const hostile = `${'a-'.repeat(20_000)}password${'='.repeat(10)} ${'eyJ'.repeat(5_000)} ${'x:'.repeat(20_000)}@`;
    expect(redact(hostile).text.length).toBeGreaterThan(0);
  });
});
