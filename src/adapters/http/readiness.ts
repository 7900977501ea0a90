// Runs the readiness checks in parallel, each bounded in time, and folds them into one verdict:
// a failing required check makes the agent unready; a failing degraded check (e.g. the LLM)
// leaves it serving with reduced function.
import { withTimeout } from './with-timeout.ts';

export type Check = () => Promise<void>;
export type ReadinessStatus = 'ready' | 'degraded' | 'unready';

export interface ReadinessReport {
  status: ReadinessStatus;
  /** Check name → `ok`, `failed: <reason>` (required) or `degraded: <reason>` (optional). */
  checks: Record<string, string>;
}

const MAX_REASON_CHARS = 200;

export async function checkReadiness(
  required: Record<string, Check>,
  degraded: Record<string, Check>,
  timeoutMs: number,
): Promise<ReadinessReport> {
  const run = async (name: string, check: Check, failPrefix: 'failed' | 'degraded'): Promise<[string, string]> => {
    try {
      // The call itself may throw synchronously; keep it inside the try.
      await withTimeout(Promise.resolve().then(check), timeoutMs, `${name} check`);
      return [name, 'ok'];
    } catch (err) {
      return [name, `${failPrefix}: ${oneLine(err)}`];
    }
  };
  const results = await Promise.all([
    ...Object.entries(required).map(([name, check]) => run(name, check, 'failed')),
    ...Object.entries(degraded).map(([name, check]) => run(name, check, 'degraded')),
  ]);
  const checks = Object.fromEntries(results);
  const requiredOk = Object.keys(required).every((name) => checks[name] === 'ok');
  const degradedOk = Object.keys(degraded).every((name) => checks[name] === 'ok');
  return { status: !requiredOk ? 'unready' : degradedOk ? 'ready' : 'degraded', checks };
}

/** First line of the error, with its stable code when it has one, short enough for a probe body. */
function oneLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const rawCode = (err as { code?: unknown } | null | undefined)?.code;
  const code = typeof rawCode === 'string' ? rawCode : undefined;
  const firstLine = (message.split('\n')[0] ?? '').trim() || 'check failed';
  const text = code && !firstLine.startsWith(code) ? `${code}: ${firstLine}` : firstLine;
  return text.length > MAX_REASON_CHARS ? `${text.slice(0, MAX_REASON_CHARS - 1)}…` : text;
}
