// The environment as `doctor` and the start-up report see it: every problem loadConfig() would
// throw, and alongside them a usable configuration built from the variables that are valid (an
// invalid variable falls back to its default), so the other checks can still run. The variables
// found invalid are named, so checks that depend on them can say they were skipped.
import { z } from 'zod';
import { isAppError } from '../core/errors.ts';
import { EnvSchema, loadConfig, type Config } from './env.ts';

export interface ConfigInspection {
  /** The validated configuration when every variable is valid; otherwise the best effort. */
  config: Config;
  /** loadConfig()'s problems, one per line ("VARIABLE: what is wrong"); empty when valid. */
  problems: string[];
  /** Variables named by a problem. */
  invalid: ReadonlySet<string>;
}

const LenientSchema = z.object(EnvSchema.shape);

export function inspectConfig(env: Record<string, string | undefined>): ConfigInspection {
  try {
    return { config: loadConfig(env), problems: [], invalid: new Set() };
  } catch (err) {
    if (!isAppError(err, 'config_invalid')) throw err;
    const problems = Array.isArray(err.details?.problems) ? (err.details.problems as string[]) : [err.message];
    const invalid = new Set(problems.map((p) => p.split(':')[0]!.trim()));
    const cleaned = Object.fromEntries(Object.entries(env).filter(([k, v]) => v !== undefined && v !== '' && !invalid.has(k)));
    return { config: LenientSchema.parse(cleaned), problems, invalid };
  }
}
