// Finds the alertmanager and amtool binaries the webhook tests run: ALERTMANAGER_BIN and AMTOOL_BIN
// name others, else the ones scripts/test-tools/build-alertmanager.sh caches. Without them, suites
// are one skipped test saying how to build them, and on CI (any non-empty CI) one failing test
// instead: CI never passes by skipping.
import { accessSync, constants } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../..');

export interface AlertmanagerTools {
  alertmanager: string;
  amtool: string;
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function findAlertmanagerTools(env: NodeJS.ProcessEnv = process.env): AlertmanagerTools | undefined {
  const alertmanager = env.ALERTMANAGER_BIN || join(ROOT, '.cache/test-tools/alertmanager');
  const amtool = env.AMTOOL_BIN || join(ROOT, '.cache/test-tools/amtool');
  return executable(alertmanager) && executable(amtool) ? { alertmanager, amtool } : undefined;
}

export const ALERTMANAGER_HINT =
  'build them with `bash scripts/test-tools/build-alertmanager.sh` (Go, about a minute once), or set ALERTMANAGER_BIN and AMTOOL_BIN';

/** describe() for suites that run a real Alertmanager. */
export function describeWithAlertmanager(name: string, fn: (tools: AlertmanagerTools) => void): void {
  const tools = findAlertmanagerTools();
  if (tools) {
    describe(name, () => fn(tools));
    return;
  }
  describe(name, () => {
    if (process.env.CI) {
      it('needs alertmanager and amtool', () => {
        throw new Error(`alertmanager or amtool not found: ${ALERTMANAGER_HINT}`);
      });
    } else {
      it.skip(`skipped: alertmanager or amtool not found; ${ALERTMANAGER_HINT}`, () => {});
    }
  });
}
