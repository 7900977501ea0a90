// The problems loadConfig names when it refuses an environment (it must refuse it, as config_invalid).
import { expect } from 'vitest';
import { loadConfig } from '../../src/config/env.ts';
import { AppError } from '../../src/core/errors.ts';

export function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('config_invalid');
    return (err as AppError).details?.problems as string[];
  }
  throw new Error('expected the configuration to be refused');
}
