// What the largest node could hold, next to what an unschedulable pod asks for: the fact an SRE
// checks first ("does it fit anywhere at all?"). The pod's effective request follows the
// scheduler: the larger of its app containers plus sidecars together, and its largest init container.
import type { ContainerSnapshot, Detection, NodeSnapshot, PodSnapshot } from '../model.ts';
import { describeBytes, toBytes } from '../quantity.ts';
import { describeMillicores, toMillicores } from '../cpu-quantity.ts';

interface Largest {
  node: string;
  amount: number;
}

export interface PodRequests {
  memoryBytes: number;
  millicores: number;
}

/** The scheduler's view of a pod's requests (unset or unreadable requests count as 0). */
export function effectiveRequests(pod: PodSnapshot): PodRequests {
  const sum = (cs: ContainerSnapshot[], read: (c: ContainerSnapshot) => number) => cs.reduce((n, c) => n + read(c), 0);
  const max = (cs: ContainerSnapshot[], read: (c: ContainerSnapshot) => number) => cs.reduce((n, c) => Math.max(n, read(c)), 0);
  const memory = (c: ContainerSnapshot) => (c.memoryRequest ? toBytes(c.memoryRequest) ?? 0 : 0);
  const cpu = (c: ContainerSnapshot) => (c.cpuRequest ? toMillicores(c.cpuRequest) ?? 0 : 0);
  const running = pod.containers.filter((c) => c.type === 'app' || c.type === 'sidecar');
  const init = pod.containers.filter((c) => c.type === 'init');
  return {
    memoryBytes: Math.max(sum(running, memory), max(init, memory)),
    millicores: Math.max(sum(running, cpu), max(init, cpu)),
  };
}

function largest(nodes: readonly NodeSnapshot[], read: (n: NodeSnapshot) => number | undefined): Largest | undefined {
  let best: Largest | undefined;
  for (const n of nodes) {
    const amount = read(n);
    if (amount !== undefined && amount > 0 && (!best || amount > best.amount)) best = { node: n.name, amount };
  }
  return best;
}

/** Facts comparing the pod's requests with the largest node's allocatable memory and CPU. */
export function nodeCapacityFacts(pod: PodSnapshot, nodes: readonly NodeSnapshot[]): string[] {
  const mem = largest(nodes, (n) => (n.allocatableMemory ? toBytes(n.allocatableMemory) : undefined));
  const cpu = largest(nodes, (n) => (n.allocatableCpu ? toMillicores(n.allocatableCpu) : undefined));
  if (!mem && !cpu) return [];
  const asks = effectiveRequests(pod);
  const facts = [
    `largest node allocatable (of ${nodes.length}): ` + [
      mem ? `memory ${describeBytes(mem.amount)} (${mem.node})` : undefined,
      cpu ? `cpu ${describeMillicores(cpu.amount)} (${cpu.node})` : undefined,
    ].filter(Boolean).join(', '),
    `pod requests in total: memory ${describeBytes(asks.memoryBytes)}, cpu ${describeMillicores(asks.millicores)}`,
  ];
  if (mem && asks.memoryBytes > mem.amount) {
    facts.push(`the pod requests more memory (${describeBytes(asks.memoryBytes)}) than any node can allocate (${describeBytes(mem.amount)}): it fits nowhere until its requests shrink or a larger node joins`);
  }
  if (cpu && asks.millicores > cpu.amount) {
    facts.push(`the pod requests more CPU (${describeMillicores(asks.millicores)}) than any node can allocate (${describeMillicores(cpu.amount)}): it fits nowhere until its requests shrink or a larger node joins`);
  }
  return facts;
}

/** An Unschedulable detection with the node capacity facts placed after the scheduler's reasons. */
export function withNodeCapacity(d: Detection, pod: PodSnapshot, nodes: readonly NodeSnapshot[]): Detection {
  if (d.kind !== 'Unschedulable') return d;
  const extra = nodeCapacityFacts(pod, nodes);
  return extra.length === 0 ? d : { ...d, facts: [...d.facts, ...extra] };
}
