// Lists a namespace's pods once and runs the pure detection rules over them. Cheap: no logs,
// no LLM; the expensive part (analyze-incident) runs only for new or changed incidents.
import { DETECTION_RULES, detectIncidents, needsEvents } from '../core/detection/registry.ts';
import type { DetectionRule } from '../core/detection/rule.ts';
import { evictionsByNode, foldNodeEvictions } from '../core/detection/node-pressure.ts';
import { asRuntimeOom, runtimeOomCandidate, runtimeOomIn, type RuntimeOomMatch } from '../core/detection/runtime-oom.ts';
import { fingerprint } from '../core/detection/fingerprint.ts';
import { withNodeCapacity } from '../core/detection/node-capacity.ts';
import { fingerprintScope, type ClusterRef } from '../core/cluster/cluster-ref.ts';
import type { Detection, EventSnapshot, FoundIncident, PodSnapshot, WorkloadRef } from '../core/model.ts';
import type { ClusterReader, OwnerLookup } from '../ports.ts';
import { AppError } from '../core/errors.ts';

export type { FoundIncident };

export interface DetectResult {
  namespace: string;
  /** The cluster scanned: only its incidents may be resolved by this result. */
  clusterRef?: ClusterRef;
  podsChecked: number;
  pods: PodSnapshot[];
  found: FoundIncident[];
}

export async function detectNamespace(cluster: ClusterReader, namespace: string, rules: readonly DetectionRule[] = DETECTION_RULES): Promise<DetectResult> {
  const pods = await cluster.listPods(namespace);
  if (pods.length === 0 && !(await cluster.namespaceExists(namespace))) {
    throw new AppError('k8s_not_found', `namespace "${namespace}" does not exist`, { namespace });
  }
  return detectPods(cluster, namespace, pods, [], rules);
}

/**
 * Runs the rules over pods already in hand (a scan's list, or a watch event), resolving each
 * incident's workload. Events are listed only when a rule needs them for one of these pods; if
 * that list fails, the rules run without events (a probe kill then shows as a crash loop).
 * `given` are events already in hand (the event watch's): they join the listed ones. `rules` are
 * the namespace's (its policy may tune crash-loop thresholds).
 */
export async function detectPods(
  cluster: ClusterReader, namespace: string, pods: PodSnapshot[], given: readonly EventSnapshot[] = [], rules: readonly DetectionRule[] = DETECTION_RULES,
): Promise<DetectResult> {
  const listed = needsEvents(pods) ? await cluster.listEvents(namespace).catch(() => []) : [];
  const events = withGiven(listed, given);
  const groups = evictionsByNode(pods);
  // One read per node that evicted several pods; an unreadable node still folds its evictions.
  const nodes = new Map(await Promise.all([...groups.keys()].map(async (n) => [n, await cluster.readNode(n).catch(() => undefined)] as const)));
  const detections = foldNodeEvictions(detectIncidents(pods, rules, events), groups, nodes);
  const capacity = await withNodesFor(cluster, detections, pods);
  const read = await Promise.all(capacity.map((d) => (runtimeOomCandidate(d) ? withRuntimeOom(cluster, d, pods) : d)));
  const found = await toFoundIncidents(cluster, namespace, read, pods);
  return { namespace, ...(cluster.clusterRef ? { clusterRef: cluster.clusterRef } : {}), podsChecked: pods.length, pods, found };
}

/** Unschedulable pods get what the largest node can hold: one node list per batch that has any. */
async function withNodesFor(cluster: ClusterReader, detections: Detection[], pods: PodSnapshot[]): Promise<Detection[]> {
  if (!cluster.listNodes || !detections.some((d) => d.kind === 'Unschedulable')) return detections;
  // Without the nodes the incident is still posted, with the scheduler's own reasons.
  const nodes = await cluster.listNodes().catch(() => []);
  if (nodes.length === 0) return detections;
  const byName = new Map(pods.map((p) => [p.name, p]));
  return detections.map((d) => (byName.has(d.pod) ? withNodeCapacity(d, byName.get(d.pod)!, nodes) : d));
}

/** The given events, fresher than a list made just before, replace their listed versions. */
function withGiven(listed: EventSnapshot[], given: readonly EventSnapshot[]): EventSnapshot[] {
  if (given.length === 0) return listed;
  const id = (e: EventSnapshot) => JSON.stringify([e.involvedKind, e.involvedName, e.involvedFieldPath, e.reason, e.firstTimestamp, e.message]);
  const ids = new Set(given.map(id));
  return [...given, ...listed.filter((e) => !ids.has(id(e)))];
}

// Enough of the log's end for the runtime's last words; a log that cannot be read changes nothing.
const RUNTIME_LOG = { tailLines: 200, limitBytes: 64 * 1024 };

// One verdict per termination: a crash loop is scanned every minute, but its previous log only
// changes when the container ends again. Kept per cluster reader (one per process), bounded.
const verdicts = new WeakMap<ClusterReader, Map<string, RuntimeOomMatch | null>>();
const VERDICTS_KEPT = 1000;

/** A crash loop whose previous log shows the runtime running out of heap becomes a RuntimeOOM. */
async function withRuntimeOom(cluster: ClusterReader, d: Detection, pods: PodSnapshot[]): Promise<Detection> {
  const seen = verdicts.get(cluster) ?? new Map<string, RuntimeOomMatch | null>();
  verdicts.set(cluster, seen);
  const key = d.lastTerminatedAt === undefined ? undefined : `${d.namespace}/${d.pod}/${d.container}/${d.lastTerminatedAt}`;
  let match = key === undefined ? undefined : seen.get(key);
  if (match === undefined) {
    let readable = true;
    const log = await cluster.readLog({ namespace: d.namespace, pod: d.pod, container: d.container, previous: true, ...RUNTIME_LOG }).catch(() => {
      readable = false;
      return '';
    });
    match = runtimeOomIn(log) ?? null;
    // A log that could not be read is asked again next time.
    if (key !== undefined && readable) {
      if (seen.size >= VERDICTS_KEPT) seen.delete(seen.keys().next().value!);
      seen.set(key, match);
    }
  }
  if (!match) return d;
  const container = pods.find((p) => p.name === d.pod)?.containers.find((c) => c.name === d.container);
  return asRuntimeOom(d, match, container?.heapFlags);
}

/** Ties detections to their workload and fingerprint; one incident per fingerprint. */
export async function toFoundIncidents(cluster: ClusterReader, namespace: string, detections: Detection[], pods: PodSnapshot[]): Promise<FoundIncident[]> {
  const byName = new Map(pods.map((p) => [p.name, p]));
  const found = new Map<string, FoundIncident>();
  const tied = detections.flatMap((detection) => {
    const pod = byName.get(detection.pod);
    return pod ? [{ detection, pod }] : [];
  });
  const workloads = await resolveWorkloads(cluster, namespace, tied.map(({ detection }) => ({ owner: detection.owner, podName: detection.pod })));
  for (const [i, { detection, pod }] of tied.entries()) {
    // A node incident belongs to the node, not to the workload of the pod that stands for it.
    const workload = detection.kind === 'NodePressure' && detection.nodeName ? { kind: 'Node', name: detection.nodeName } : workloads[i]!;
    const fp = fingerprint(detection, workload, undefined, fingerprintScope(cluster.clusterRef));
    // Several pods of one workload crash the same way: one incident, the latest crash as its face.
    const current = found.get(fp);
    if (!current || (detection.lastTerminatedAt ?? '') > (current.detection.lastTerminatedAt ?? '')) {
      found.set(fp, { ...(cluster.clusterRef ? { cluster: cluster.clusterRef.name } : {}), detection, workload, fingerprint: fp, pod });
    }
  }
  return [...found.values()];
}

/** All at once when the reader can (one list per owner kind), else pod by pod. */
async function resolveWorkloads(cluster: ClusterReader, namespace: string, lookups: OwnerLookup[]): Promise<WorkloadRef[]> {
  if (lookups.length === 0) return [];
  if (cluster.resolveWorkloads) return cluster.resolveWorkloads(namespace, lookups);
  const out: WorkloadRef[] = [];
  for (const { owner, podName } of lookups) out.push(await cluster.resolveWorkload(namespace, owner, podName));
  return out;
}
