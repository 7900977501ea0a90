// Reading request bodies the way Slack's Web API accepts them: form fields or JSON.
import type { IncomingMessage } from 'node:http';

// Fields the SDK sends JSON-encoded inside a form.
const JSON_FIELDS = new Set(['blocks', 'attachments', 'view', 'metadata', 'unfurls', 'user_auth_blocks']);

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export function parseArgs(raw: string, contentType: string | undefined, query: URLSearchParams): Record<string, unknown> {
  const args: Record<string, unknown> = Object.fromEntries(query);
  if (contentType?.startsWith('application/json')) {
    if (raw.trim()) Object.assign(args, JSON.parse(raw) as Record<string, unknown>);
    return args;
  }
  for (const [k, v] of new URLSearchParams(raw)) {
    if (JSON_FIELDS.has(k)) {
      try {
        args[k] = JSON.parse(v) as unknown;
        continue;
      } catch {
        // Slack answers invalid_arguments-style errors; keep the raw text so the check fails visibly.
      }
    }
    args[k] = v;
  }
  return args;
}
