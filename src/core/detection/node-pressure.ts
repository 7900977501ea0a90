// NodePressure: a node that evicted several pods is one incident, not one per evicted pod. When two
// or more pods of a namespace were evicted from the same node, those evictions fold into one
// detection for the node, with the node's pressure conditions (when it could be read) and each
// evicted pod as facts. A single eviction stays what it was (EvictedMemory for memory).
import type { Detection, NodeSnapshot, PodSnapshot } from '../model.ts';

/** Conditions that mean a node is in trouble when True (Ready: when not True). */
const PRESSURE = ['MemoryPressure', 'DiskPressure', 'PIDPressure'];
const PODS_SHOWN = 5;
const MESSAGE_MAX = 200;

export const MIN_EVICTIONS_PER_NODE = 2;

function clip(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > MESSAGE_MAX ? `${flat.slice(0, MESSAGE_MAX - 1)}…` : flat;
}

/** "MemoryPressure", "DiskPressure" or "NotReady" from the node; else what the eviction messages name. */
function pressureOf(node: NodeSnapshot | undefined, evicted: PodSnapshot[]): string[] {
  const fromNode = (node?.conditions ?? [])
    .filter((c) => (PRESSURE.includes(c.type) && c.status === 'True') || (c.type === 'Ready' && c.status !== 'True'))
    .map((c) => (c.type === 'Ready' ? 'NotReady' : c.type));
  if (fromNode.length > 0) return fromNode;
  const resources = new Set(evicted.flatMap((p) => [...(p.message ?? '').matchAll(/low on resource: ([a-z][a-z-]*)/g)].map((m) => m[1]!)));
  const named = [...resources].map((r) => (r === 'memory' ? 'MemoryPressure' : r === 'pids' ? 'PIDPressure' : 'DiskPressure'));
  return named.length > 0 ? named : ['Evictions'];
}

/** Evicted pods of a scan by the node they were evicted from, for the nodes that evicted enough of them. */
export function evictionsByNode(pods: PodSnapshot[]): Map<string, PodSnapshot[]> {
  const byNode = new Map<string, PodSnapshot[]>();
  for (const p of pods) {
    if (p.reason !== 'Evicted' || !p.nodeName) continue;
    byNode.set(p.nodeName, [...(byNode.get(p.nodeName) ?? []), p]);
  }
  for (const [node, evicted] of byNode) if (evicted.length < MIN_EVICTIONS_PER_NODE) byNode.delete(node);
  return byNode;
}

/**
 * Folds the evictions of each node in `groups` into one NodePressure detection and drops the
 * per-pod detections of those evicted pods; every other detection is kept as it is.
 */
export function foldNodeEvictions(
  detections: Detection[],
  groups: Map<string, PodSnapshot[]>,
  nodes: ReadonlyMap<string, NodeSnapshot | undefined>,
): Detection[] {
  if (groups.size === 0) return detections;
  const folded = new Set([...groups.values()].flatMap((pods) => pods.map((p) => p.name)));
  const kept = detections.filter((d) => !folded.has(d.pod));
  for (const [nodeName, evicted] of groups) {
    const node = nodes.get(nodeName);
    const pressure = pressureOf(node, evicted);
    const sorted = [...evicted].sort((a, b) => a.name.localeCompare(b.name));
    // Only the conditions in trouble: the facts are shown eight at a time and the pods come next.
    const conditionFacts = (node?.conditions ?? [])
      .filter((c) => (PRESSURE.includes(c.type) && c.status === 'True') || (c.type === 'Ready' && c.status !== 'True'))
      .map((c) => `node ${nodeName} condition ${c.type}=${c.status}${c.reason ? ` (${c.reason})` : ''}`);
    kept.push({
      kind: 'NodePressure',
      namespace: sorted[0]!.namespace,
      pod: sorted[0]!.name,
      container: '',
      containerType: 'app',
      nodeName,
      reason: pressure.join(', '),
      restartCount: 0,
      facts: [
        `${evicted.length} pods evicted from node ${nodeName}`,
        ...conditionFacts,
        ...(node?.allocatableMemory ? [`node allocatable memory ${node.allocatableMemory} of ${node.capacityMemory ?? '?'}`] : []),
        ...sorted.slice(0, PODS_SHOWN).map((p) => `evicted ${p.name}: ${clip(p.message ?? '')}`),
        ...(sorted.length > PODS_SHOWN ? [`… and ${sorted.length - PODS_SHOWN} more evicted pods`] : []),
      ],
    });
  }
  return kept;
}
