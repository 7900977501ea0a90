// Which audit entries an export keeps: a time window, one incident, one actor, some actions. Parsed
// from what an operator types (`--since 7d`, `--until 2025-03-05`, `--actor "Alice Martin"`), with
// every problem listed at once.
import { AuditActionSchema, type AuditEntry } from './entry.ts';

export type AuditAction = AuditEntry['action'];

export interface AuditFilter {
  /** Epoch ms; entries at or after it. */
  since?: number;
  /** Epoch ms; entries before it. */
  until?: number;
  /** An incident id, or a fingerprint (every incident of one recurring problem). */
  incident?: string;
  /** A Slack user id, "system", or a display name (case-insensitive). */
  actor?: string;
  actions?: readonly AuditAction[];
}

export interface AuditFilterInput {
  since?: string | undefined;
  until?: string | undefined;
  incident?: string | undefined;
  actor?: string | undefined;
  /** Comma-separated. */
  action?: string | undefined;
}

const RELATIVE = /^(\d{1,6})(m|h|d|w)$/;
const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** An ISO date or date-time ("2025-03-04", "2025-03-04T09:00:00Z"), or an age before now ("7d", "24h", "30m", "2w"). */
export function parseWhen(text: string, now: Date): number | undefined {
  const t = text.trim();
  const rel = RELATIVE.exec(t);
  if (rel) return now.getTime() - Number(rel[1]) * UNIT_MS[rel[2]!]!;
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(t)) return undefined;
  // A bare date is midnight UTC; a date-time without a zone is taken as UTC too, never the machine's zone.
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(t) ? `${t}T00:00:00Z` : /(Z|[+-]\d{2}:?\d{2})$/.test(t) ? t.replace(' ', 'T') : `${t.replace(' ', 'T')}Z`;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : ms;
}

export function parseAuditFilter(input: AuditFilterInput, now: Date): { ok: true; filter: AuditFilter } | { ok: false; problems: string[] } {
  const problems: string[] = [];
  const filter: AuditFilter = {};
  for (const key of ['since', 'until'] as const) {
    const raw = input[key];
    if (raw === undefined) continue;
    const ms = parseWhen(raw, now);
    if (ms === undefined) problems.push(`--${key} "${raw.slice(0, 60)}": give a date (2025-03-04), a date-time (2025-03-04T09:00:00Z) or an age (30m, 24h, 7d, 2w)`);
    else filter[key] = ms;
  }
  if (filter.since !== undefined && filter.until !== undefined && filter.since >= filter.until) problems.push('--since must be before --until');
  if (input.incident !== undefined) {
    if (input.incident.trim() === '') problems.push('--incident needs an incident id or a fingerprint');
    else filter.incident = input.incident.trim();
  }
  if (input.actor !== undefined) {
    if (input.actor.trim() === '') problems.push('--actor needs a Slack user id, "system" or a display name');
    else filter.actor = input.actor.trim();
  }
  if (input.action !== undefined) {
    const names = input.action.split(',').map((a) => a.trim()).filter(Boolean);
    const unknown = names.filter((a) => !AuditActionSchema.safeParse(a).success);
    if (names.length === 0 || unknown.length > 0) {
      problems.push(`--action ${unknown.length ? `"${unknown.join(', ').slice(0, 80)}" is not an action` : 'needs an action'}: use ${AuditActionSchema.options.join(', ')}`);
    } else {
      filter.actions = names as AuditAction[];
    }
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, filter };
}

const fold = (s: string) => s.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();

export function matchesFilter(e: AuditEntry, f: AuditFilter): boolean {
  if (f.since !== undefined || f.until !== undefined) {
    const at = Date.parse(e.at);
    if (Number.isNaN(at)) return false;
    if (f.since !== undefined && at < f.since) return false;
    if (f.until !== undefined && at >= f.until) return false;
  }
  if (f.incident !== undefined && e.incidentId !== f.incident && e.subject?.fingerprint !== f.incident) return false;
  if (f.actor !== undefined) {
    const want = fold(f.actor);
    if (fold(e.actor) !== want && (e.actorName === undefined || fold(e.actorName) !== want)) return false;
  }
  if (f.actions !== undefined && !f.actions.includes(e.action)) return false;
  return true;
}
