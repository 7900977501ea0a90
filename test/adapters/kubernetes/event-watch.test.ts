// The Warning-event watch against the real API server (events.k8s.io/v1, type=Warning on the
// server side), through a TLS proxy that can cut it and answer its next watch with 410 Gone.
import { afterEach, expect, it } from 'vitest';
import type { CoreV1Event } from '@kubernetes/client-node';
import { startEventWatch, type EventDelivery, type EventWatch } from '../../../src/adapters/kubernetes/event-watch.ts';
import type { EventSnapshot } from '../../../src/core/model.ts';
import { createLogger } from '../../../src/logging.ts';
import { describeWithCluster, useTestCluster } from '../../support/cluster-context.ts';
import { postEvent, postEventsV1, type EventInput } from '../../support/test-cluster/events.ts';
import { waitUntil } from '../../support/test-cluster/wait-until.ts';
import { startApiProxy, type ApiProxy } from '../../support/watch-helpers.ts';

const FAST_BACKOFF = { min: 50, max: 1_000 };
const CLUSTER_TEST_MS = 120_000;

interface Seen {
  event: EventSnapshot;
  delivery: EventDelivery;
}

describeWithCluster('startEventWatch', () => {
  const cluster = useTestCluster();
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    while (cleanups.length > 0) await cleanups.pop()!();
  });

  async function proxy(): Promise<ApiProxy> {
    const p = await startApiProxy({
      upstream: cluster.info.server, caFile: cluster.info.caFile,
      clientCertFile: cluster.info.adminCertFile, clientKeyFile: cluster.info.adminKeyFile,
      servingCertFile: cluster.info.servingCertFile, servingKeyFile: cluster.info.servingKeyFile,
    });
    cleanups.push(() => p.close());
    return p;
  }

  async function watch(p: ApiProxy, namespaces: string[], lines: Record<string, unknown>[] = []): Promise<{ seen: Seen[]; restarts: string[]; watch: EventWatch }> {
    const seen: Seen[] = [];
    const restarts: string[] = [];
    const w = await startEventWatch({
      kubeConfig: p.kubeConfig,
      namespaces,
      onEvent: (event, delivery) => void seen.push({ event, delivery }),
      logger: createLogger('info', { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) }),
      onRestart: (reason) => restarts.push(reason),
      relistBackoffMs: FAST_BACKOFF,
    });
    cleanups.push(() => w.stop());
    return { seen, restarts, watch: w };
  }

  const warning = (ns: string, pod: string, reason: string, message: string, extra: Partial<EventInput> = {}): Promise<CoreV1Event> =>
    postEvent(cluster.core, { namespace: ns, involved: { kind: 'Pod', name: pod, namespace: ns }, reason, message, ...extra });

  /** A Warning event about the sentinel pod, waited for: deliveries are in order, so what came before it has been delivered. */
  let barriers = 0;
  async function barrier(seen: Seen[], ns: string): Promise<void> {
    barriers += 1;
    const message = `barrier ${barriers}`;
    await warning(ns, 'sentinel', 'BackOff', message);
    await waitUntil(message, async () => (seen.some((s) => s.event.message === message) ? true : `${seen.length} seen`), { timeoutMs: 60_000, intervalMs: 50 });
  }

  const delivered = (seen: Seen[]) => seen.filter((s) => !s.event.message?.startsWith('barrier ')).map((s) => `${s.event.reason}${s.delivery.initial ? ' (initial)' : ''}: ${s.event.message}`);

  it('delivers the Warning events of its namespaces once, those already there as initial, and a repeat as a new version', async () => {
    const ns = await cluster.createNamespace('events');
    const elsewhere = await cluster.createNamespace('events-other');
    const oom = await warning(ns, 'api', 'SystemOOM', 'System OOM encountered, victim process: java, pid: 12345', { lastTimestamp: new Date(Date.now() - 60_000) });
    await warning(ns, 'api', 'Scheduled', 'Successfully assigned', { type: 'Normal' });
    const p = await proxy();
    const { seen, restarts, watch: w } = await watch(p, [ns]);
    await w.ready;
    expect(delivered(seen)).toEqual(['SystemOOM (initial): System OOM encountered, victim process: java, pid: 12345']);
    expect(seen[0]!.event).toMatchObject({ namespace: ns, involvedKind: 'Pod', involvedName: 'api', type: 'Warning', count: 1, source: 'kubelet' });

    await warning(ns, 'api', 'Pulled', 'Container image already present', { type: 'Normal' });
    await warning(elsewhere, 'api', 'BackOff', 'Back-off restarting failed container app');
    await warning(ns, 'api', 'Unhealthy', 'Liveness probe failed: HTTP probe failed with statuscode: 500');
    // The kubelet repeats an event by counting it up on the same object.
    const repeatedAt = new Date();
    await cluster.core.replaceNamespacedEvent({ namespace: ns, name: oom.metadata!.name!, body: { ...oom, count: 2, lastTimestamp: repeatedAt } });
    await barrier(seen, ns);

    expect(delivered(seen)).toEqual([
      'SystemOOM (initial): System OOM encountered, victim process: java, pid: 12345',
      'Unhealthy: Liveness probe failed: HTTP probe failed with statuscode: 500',
      'SystemOOM: System OOM encountered, victim process: java, pid: 12345',
    ]);
    expect(seen.filter((s) => s.event.reason === 'SystemOOM').map((s) => s.event.count)).toEqual([1, 2]);
    expect(seen.find((s) => s.event.count === 2)!.event.lastTimestamp).toBe(new Date(Math.floor(repeatedAt.getTime() / 1000) * 1000).toISOString());
    // The server filters: every request asks for Warning events of events.k8s.io/v1 only.
    const requests = p.requests.filter((r) => r.path.startsWith('/apis/events.k8s.io/v1/'));
    expect(requests.length).toBeGreaterThanOrEqual(2);
    expect(requests.every((r) => r.path.startsWith(`/apis/events.k8s.io/v1/namespaces/${ns}/events?`) && r.path.includes('fieldSelector=type%3DWarning'))).toBe(true);
    expect(restarts).toEqual([]);
  }, CLUSTER_TEST_MS);

  it('reads events posted with events.k8s.io/v1 names (note, regarding, eventTime)', async () => {
    const ns = await cluster.createNamespace('events');
    const p = await proxy();
    const { seen, watch: w } = await watch(p, [ns]);
    await w.ready;
    const eventTime = new Date();
    await postEventsV1(cluster.info, {
      namespace: ns, eventTime, reportingController: 'kubelet', action: 'Killing',
      regarding: { kind: 'Pod', name: 'api', fieldPath: 'spec.containers{app}' },
      reason: 'SystemOOM', note: 'System OOM encountered, victim process: node, pid: 777',
    });
    await waitUntil('the event delivered', async () => (seen.length === 1 ? true : `${seen.length} seen`), { timeoutMs: 60_000, intervalMs: 50 });
    expect(seen[0]!.event).toMatchObject({
      involvedKind: 'Pod', involvedName: 'api', involvedFieldPath: 'spec.containers{app}', reason: 'SystemOOM',
      message: 'System OOM encountered, victim process: node, pid: 777', source: 'kubelet',
    });
    expect(seen[0]!.event.lastTimestamp).toBe(eventTime.toISOString());
  }, CLUSTER_TEST_MS);

  it('re-lists after 410 Gone without delivering again what it delivered, delivering what came meanwhile, and says so', async () => {
    const ns = await cluster.createNamespace('events');
    await warning(ns, 'api', 'SystemOOM', 'System OOM encountered, victim process: java, pid: 1');
    const p = await proxy();
    const lines: Record<string, unknown>[] = [];
    const { seen, restarts, watch: w } = await watch(p, [ns], lines);
    await w.ready;
    await warning(ns, 'api', 'BackOff', 'Back-off restarting failed container app');
    await barrier(seen, ns);

    p.setBlocked(true);
    p.expireNextWatch();
    p.resetConnections();
    await waitUntil('the watch noticed the cut', async () => (restarts.length > 0 ? true : 'no restart yet'), { timeoutMs: 60_000, intervalMs: 50 });
    await warning(ns, 'api', 'SystemOOM', 'System OOM encountered, victim process: java, pid: 2');
    const before = seen.length;
    p.setBlocked(false);
    await waitUntil('the 410 answered', async () => (p.requests.some((r) => r.gone) ? true : 'not yet'), { timeoutMs: 60_000, intervalMs: 50 });
    await barrier(seen, ns);

    expect(restarts).toContain('gone');
    // After the re-list: the event posted while away (not initial: the watch had begun), then the barrier.
    expect(delivered(seen.slice(before))).toEqual(['SystemOOM: System OOM encountered, victim process: java, pid: 2']);
    expect(delivered(seen).filter((d) => d.includes('pid: 1'))).toHaveLength(1);
    const gone = lines.filter((l) => l.reason === 'gone');
    expect(gone).toHaveLength(1);
    expect(String(gone[0]!.msg)).toMatch(new RegExp(`^event watch restarting \\(gone\\) for namespace "${ns}": .*re-list in \\d+ ms$`));
  }, CLUSTER_TEST_MS);
});
