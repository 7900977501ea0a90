// Finds the prometheus and promtool binaries the signal tests run: PROMETHEUS_BIN and PROMTOOL
// name others, else the ones scripts/test-tools/build-prometheus.sh and build-promtool.sh cache.
// Without them, suites are one skipped test saying how to build them, and on CI (any non-empty
// CI) one failing test instead: CI never passes by skipping.
import { accessSync, constants } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../..');

export interface PrometheusTools {
  prometheus: string;
  promtool: string;
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function findPrometheusTools(env: NodeJS.ProcessEnv = process.env): PrometheusTools | undefined {
  const prometheus = env.PROMETHEUS_BIN || join(ROOT, '.cache/test-tools/prometheus');
  const promtool = env.PROMTOOL || join(ROOT, '.cache/test-tools/promtool');
  return executable(prometheus) && executable(promtool) ? { prometheus, promtool } : undefined;
}

export const PROMETHEUS_HINT =
  'build them with `bash scripts/test-tools/build-prometheus.sh && bash scripts/test-tools/build-promtool.sh` (Go, a few minutes once), or set PROMETHEUS_BIN and PROMTOOL';

/** describe() for suites that run a real Prometheus. */
export function describeWithPrometheus(name: string, fn: (tools: PrometheusTools) => void): void {
  const tools = findPrometheusTools();
  if (tools) {
    describe(name, () => fn(tools));
    return;
  }
  describe(name, () => {
    if (process.env.CI) {
      it('needs prometheus and promtool', () => {
        throw new Error(`prometheus or promtool not found: ${PROMETHEUS_HINT}`);
      });
    } else {
      it.skip(`skipped: prometheus or promtool not found; ${PROMETHEUS_HINT}`, () => {});
    }
  });
}
