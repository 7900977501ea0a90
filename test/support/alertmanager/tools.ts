// Finds the alertmanager and amtool binaries the webhook tests run: ALERTMANAGER_BIN and AMTOOL_BIN
// name others, else the ones scripts/test-tools/build-alertmanager.sh caches.
import { cachedTool, describeWithBinaries, executable } from '../tool-binaries.ts';

export interface AlertmanagerTools {
  alertmanager: string;
  amtool: string;
}

export function findAlertmanagerTools(env: NodeJS.ProcessEnv = process.env): AlertmanagerTools | undefined {
  const alertmanager = cachedTool('alertmanager', env.ALERTMANAGER_BIN);
  const amtool = cachedTool('amtool', env.AMTOOL_BIN);
  return executable(alertmanager) && executable(amtool) ? { alertmanager, amtool } : undefined;
}

export const ALERTMANAGER_HINT =
  'build them with `bash scripts/test-tools/build-alertmanager.sh` (Go, about a minute once), or set ALERTMANAGER_BIN and AMTOOL_BIN';

/** describe() for suites that run a real Alertmanager. */
export function describeWithAlertmanager(name: string, fn: (tools: AlertmanagerTools) => void): void {
  describeWithBinaries(name, findAlertmanagerTools(), { names: 'alertmanager or amtool', hint: ALERTMANAGER_HINT }, fn);
}
