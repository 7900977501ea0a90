// What the cluster-wide watches keep per object: the pod watch's change tracker over
// WATCH_MEMORY_PODS pods (default 20,000, shaped like a real kubelet-reported pod) and the event
// watch's over as many Warning events, as heap retained after a full GC. "whole" keeps every
// object's snapshot, as the trackers did before; "identity" is what they keep now.
// Run: node bench/watch-memory.ts
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createChangeTracker } from '../src/adapters/kubernetes/change-tracker.ts';
import { podIdentity } from '../src/adapters/kubernetes/pod-change-tracker.ts';
import { parseEvent, parsePod } from '../src/core/kube/parse.ts';
import type { EventSnapshot, PodSnapshot } from '../src/core/model.ts';
import { kubeFixture } from '../test/fixtures/kube/load.ts';
import { printHeader, printTable, note } from './support/report.ts';

const N = Number(process.env.WATCH_MEMORY_PODS ?? 20_000);

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Heap retained by what `fill` returns, after full collections before and after. */
function retainedMiB(fill: () => unknown): number {
  gc();
  gc();
  const before = process.memoryUsage().heapUsed;
  const kept = fill();
  gc();
  gc();
  const after = process.memoryUsage().heapUsed;
  if (kept === undefined) throw new Error('nothing kept');
  return (after - before) / 2 ** 20;
}

// Distinct names, uids and versions per object, as a real list has: no string is shared between objects.
const podText = JSON.stringify(kubeFixture('pod-oom-crashloop-64mi'));
const podJson = (i: number): unknown => JSON.parse(podText.replaceAll('x2x9k', `p${i}`).replaceAll('5c0a3f6e', `${i}`.padStart(8, '0')));
const events = (kubeFixture('events-web') as { items: unknown[] }).items;
const eventJson = (i: number): unknown => {
  const e = structuredClone(events[i % events.length]) as { metadata: { name: string }; message?: string };
  e.metadata.name = `${e.metadata.name}.${i}`;
  e.message = `${e.message ?? ''} #${i}`;
  return e;
};

function trackPods(keep?: (p: PodSnapshot) => PodSnapshot) {
  const tracker = createChangeTracker<PodSnapshot>({ maxLive: N, ...(keep ? { keep } : {}) });
  for (let i = 0; i < N; i++) tracker.observe('ADDED', `uid-${i}`, String(1000 + i), () => parsePod(podJson(i)));
  return tracker;
}

function trackEvents(keep?: (e: EventSnapshot) => EventSnapshot) {
  const tracker = createChangeTracker<EventSnapshot>({ maxLive: N, ...(keep ? { keep } : {}) });
  for (let i = 0; i < N; i++) tracker.observe('ADDED', `uid-${i}`, String(1000 + i), () => parseEvent(eventJson(i)));
  return tracker;
}

printHeader('Watch memory', 'node bench/watch-memory.ts');
const rows: Array<[string, number]> = [
  ['pod watch, whole snapshots (before)', retainedMiB(() => trackPods())],
  ['pod watch, identity only (now)', retainedMiB(() => trackPods(podIdentity))],
  ['event watch, whole snapshots (before)', retainedMiB(() => trackEvents())],
  ['event watch, namespace only (now)', retainedMiB(() => trackEvents((e) => ({ namespace: e.namespace })))],
];
printTable(['tracker', `${N} objects, MiB retained`, 'KiB per object'], rows.map(([what, mib]) => [what, mib, (mib * 1024) / N]));
note('Heap retained after a full GC (process.memoryUsage().heapUsed), one process, the four in turn.');
