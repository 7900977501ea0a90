// What the suites that run real binaries (Prometheus, Alertmanager, the API server) share: where
// the repository's cached tools live, whether a file can be run, and a describe() that, without the
// tool, is one skipped test saying how to build it — and on CI (any non-empty CI) one failing test
// instead: CI never passes by skipping.
import { accessSync, constants } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'vitest';

export const PROJECT_ROOT = resolve(import.meta.dirname, '../..');

/** A tool scripts/test-tools/*.sh caches, unless `override` (an environment variable's value) names another. */
export function cachedTool(name: string, override: string | undefined): string {
  return override || join(PROJECT_ROOT, '.cache/test-tools', name);
}

export function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** describe() with the tools found, or the one test that says they are missing. */
export function describeWithBinaries<T>(name: string, tools: T | undefined, missing: { names: string; hint: string }, fn: (tools: T) => void): void {
  if (tools !== undefined) {
    describe(name, () => fn(tools));
    return;
  }
  describe(name, () => {
    if (process.env.CI) {
      it(`needs ${missing.names}`, () => {
        throw new Error(`${missing.names} not found: ${missing.hint}`);
      });
    } else {
      it.skip(`skipped: ${missing.names} not found; ${missing.hint}`, () => {});
    }
  });
}
