// This agent reports in every few seconds, so the other agents sharing Redis know its cluster is
// live, which namespaces it scans and which version runs there. A beat that fails is logged and
// tried again at the next tick; stopping removes this agent's heartbeat at once.
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { ClusterRef } from '../core/cluster/cluster-ref.ts';
import type { Clock, ClusterDirectory, Logger } from '../ports.ts';

export interface HeartbeatDeps {
  directory: ClusterDirectory;
  self: ClusterRef;
  version: string;
  clock: Clock;
  logger: Logger;
  everyMs: number;
  /** The namespaces scanned now (they change as namespaces come and go). */
  namespaces: () => readonly string[];
  allNamespaces: boolean;
}

export interface Heartbeat {
  readonly instance: string;
  stop(): Promise<void>;
}

export async function startHeartbeat(deps: HeartbeatDeps): Promise<Heartbeat> {
  const instance = `${hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`;
  const startedAt = deps.clock.now().toISOString();
  let warned = false;
  const beat = async (): Promise<void> => {
    try {
      await deps.directory.beat({
        cluster: deps.self.name, named: deps.self.named, instance, version: deps.version, startedAt,
        lastBeat: deps.clock.now().toISOString(), namespaces: [...deps.namespaces()], allNamespaces: deps.allNamespaces,
      });
      if (warned) deps.logger.info({}, 'cluster heartbeat written again');
      warned = false;
    } catch (err) {
      if (!warned) deps.logger.warn({ err: (err as Error).message }, 'cluster heartbeat could not be written; other agents may see this cluster as gone');
      warned = true;
    }
  };
  await beat();
  await warnIfUnnamedAmongOthers(deps);
  let running: Promise<void> = Promise.resolve();
  const timer = setInterval(() => { running = beat(); }, deps.everyMs);
  timer.unref();
  return {
    instance,
    async stop() {
      clearInterval(timer);
      await running;
      await deps.directory.leave(deps.self.name, instance).catch((err: unknown) =>
        deps.logger.warn({ err: (err as Error).message }, 'cluster heartbeat could not be removed; it expires by itself'));
    },
  };
}

/**
 * An agent without CLUSTER_NAME keeps unscoped fingerprints and queues: fine alone, a collision
 * waiting to happen beside other clusters. Said once at start; the agent still runs.
 */
async function warnIfUnnamedAmongOthers(deps: HeartbeatDeps): Promise<void> {
  if (deps.self.named) return;
  const others = await deps.directory.list().then((all) => all.filter((c) => c.live && c.name !== deps.self.name).map((c) => c.name), () => []);
  if (others.length > 0) {
    deps.logger.warn({ cluster: deps.self.name, others }, 'other clusters report to this Redis but CLUSTER_NAME is not set here: set a distinct CLUSTER_NAME on every agent so their incidents and queues stay apart');
  }
}
