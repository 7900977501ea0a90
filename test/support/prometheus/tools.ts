// Finds the prometheus and promtool binaries the signal tests run: PROMETHEUS_BIN and PROMTOOL
// name others, else the ones scripts/test-tools/build-prometheus.sh and build-promtool.sh cache.
import { cachedTool, describeWithBinaries, executable } from '../tool-binaries.ts';

export interface PrometheusTools {
  prometheus: string;
  promtool: string;
}

export function findPrometheusTools(env: NodeJS.ProcessEnv = process.env): PrometheusTools | undefined {
  const prometheus = cachedTool('prometheus', env.PROMETHEUS_BIN);
  const promtool = cachedTool('promtool', env.PROMTOOL);
  return executable(prometheus) && executable(promtool) ? { prometheus, promtool } : undefined;
}

export const PROMETHEUS_HINT =
  'build them with `bash scripts/test-tools/build-prometheus.sh && bash scripts/test-tools/build-promtool.sh` (Go, a few minutes once), or set PROMETHEUS_BIN and PROMTOOL';

/** describe() for suites that run a real Prometheus. */
export function describeWithPrometheus(name: string, fn: (tools: PrometheusTools) => void): void {
  describeWithBinaries(name, findPrometheusTools(), { names: 'prometheus or promtool', hint: PROMETHEUS_HINT }, fn);
}
