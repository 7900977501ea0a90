// describe() for tests that run real tools (helm, promtool, the prometheus-operator CRDs): when one
// is missing, the suite is one skipped test saying how to get it, and on CI (any non-empty CI) one
// failing test instead, since CI must never pass by skipping.
import { describe, it } from 'vitest';
import type { TestTool } from './repo-files.ts';

export function describeWithTools(name: string, tools: TestTool[], fn: () => void): void {
  const missing = tools.filter((t) => !t.found);
  if (missing.length === 0) {
    describe(name, fn);
    return;
  }
  const why = missing.map((t) => t.hint).join('; ');
  describe(name, () => {
    if (process.env.CI) {
      it(`needs ${missing.map((t) => t.name).join(', ')}`, () => {
        throw new Error(why);
      });
    } else {
      it.skip(`skipped: ${why}`, () => {});
    }
  });
}
