// Forgiving zod building blocks for raw Kubernetes JSON: a field of the wrong type becomes
// undefined (or an empty list/object) instead of failing the whole object, so one odd field
// never hides an incident.
import { z } from 'zod';

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

function toText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'boolean') return String(v);
  return undefined;
}

function toInt(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
  return Number.isSafeInteger(Math.trunc(n)) ? Math.trunc(n) : undefined;
}

// Kubernetes writes RFC 3339 strings; client libraries hand out Date objects. Both become ISO.
const RFC3339_PREFIX = /^\d{4}-\d{2}-\d{2}/;
function toIso(v: unknown): string | undefined {
  const d = v instanceof Date ? v : typeof v === 'string' && RFC3339_PREFIX.test(v) ? new Date(v) : undefined;
  return d && !Number.isNaN(d.getTime()) ? d.toISOString() : undefined;
}

// `.optional()` first: zod only lets an object key be absent when its schema accepts undefined.
const anything = () => z.unknown().optional();

export const text = anything().transform(toText);
export const int = anything().transform(toInt);
export const time = anything().transform(toIso);
export const flag = anything().transform((v) => (v === true || v === 'true' ? true : v === false || v === 'false' ? false : undefined));

/** An object whose fields are parsed loosely; anything that is not an object reads as {}. */
export function obj<S extends z.ZodRawShape>(shape: S) {
  return anything()
    .transform((v) => (isRecord(v) ? v : {}))
    .pipe(z.object(shape));
}

/** A list of objects; null, non-arrays and items that are not (valid) objects are dropped. */
export function list<T extends z.ZodType>(item: T) {
  return anything().transform((v): z.output<T>[] => {
    if (!Array.isArray(v)) return [];
    const out: z.output<T>[] = [];
    for (const x of v) {
      if (!isRecord(x)) continue;
      const r = item.safeParse(x);
      if (r.success) out.push(r.data);
    }
    return out;
  });
}

/** A list of strings (command, args); anything else in it is dropped. */
export const textList = anything().transform((v): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []));

/** A string map such as labels; non-string values are stringified or dropped. */
export const stringMap = anything().transform((v): Record<string, string> => {
  if (!isRecord(v)) return {};
  const entries: [string, string][] = [];
  for (const [k, raw] of Object.entries(v)) {
    const s = toText(raw);
    if (s !== undefined) entries.push([k, s]);
  }
  return Object.fromEntries(entries);
});
