// Renders the parts of an incident context as plain lines (unredacted, uncapped): the incident,
// the node, the containers and the pod's events. build-context.ts redacts and budgets them.
import type { ContainerSnapshot, Detection, EventSnapshot, NodeSnapshot, PodSnapshot, WorkloadRef } from '../model.ts';
import { controllerOwner } from '../kube/workload.ts';
import type { IncidentSignals } from '../signals/signal.ts';

const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();

function kv(fields: [string, string | number | boolean | undefined][]): string {
  return fields
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}

export function incidentLines(d: Detection, pod: PodSnapshot, workload: WorkloadRef): string[] {
  const owner = controllerOwner(pod);
  return [
    `kind: ${d.kind} (reason ${d.reason}${d.exitCode !== undefined ? `, exit code ${d.exitCode}` : ''})`,
    // An incident about no pod (an alert about a node or the cluster) says so.
    pod.name ? `pod: ${pod.namespace}/${pod.name} ${kv([['phase', pod.phase], ['qosClass', pod.qosClass], ['startTime', pod.startTime]])}`.trimEnd() : `pod: none (namespace ${pod.namespace})`,
    `workload: ${workload.kind}/${workload.name}${owner ? ` (pod owner ${owner.kind}/${owner.name})` : ''}`,
    `container: ${d.container} (${d.containerType}) restarts=${d.restartCount} requests.memory=${d.memoryRequest ?? 'unset'} limits.memory=${d.memoryLimit ?? 'unset'}`,
    ...(d.lastTerminatedAt ? [`last terminated at: ${d.lastTerminatedAt}`] : []),
    // Pod-level reason/message (evictions), unless a detection fact already quotes them.
    ...((pod.reason || pod.message) && !d.facts.some((f) => f.startsWith('status.')) ? [`pod status: ${kv([['reason', pod.reason]])} ${oneLine(pod.message ?? '')}`.trim()] : []),
    ...d.facts.map((f) => `fact: ${oneLine(f)}`),
  ];
}

// At most this many signal lines; signals come warnings first, so readings are what is cut.
const MAX_SIGNAL_LINES = 12;

/** Prometheus signals as lines, warnings first; one line saying so when there were none. */
export function signalLines(s: IncidentSignals): string[] {
  if (s.signals.length === 0) return [`no noteworthy signal in the ${s.windowMinutes} min before ${s.at}`];
  const lines = s.signals.slice(0, MAX_SIGNAL_LINES).map((x) => `${x.level === 'warning' ? 'warning' : 'reading'} (${x.scope}): ${oneLine(x.text)}`);
  if (s.signals.length > MAX_SIGNAL_LINES) lines.push(`… ${s.signals.length - MAX_SIGNAL_LINES} more readings`);
  return lines;
}

// Pressure conditions first: MemoryPressure=True next to an eviction or OOM is the key fact.
const CONDITION_ORDER = ['MemoryPressure', 'DiskPressure', 'PIDPressure', 'Ready'];
const conditionRank = (type: string) => {
  const i = CONDITION_ORDER.indexOf(type);
  return i === -1 ? CONDITION_ORDER.length : i;
};

export function nodeLines(node: NodeSnapshot | undefined, nodeName: string | undefined): string[] {
  if (!node) return nodeName ? [`node ${nodeName}: not available`] : ['node: not scheduled'];
  const conditions = [...node.conditions].sort((a, b) => conditionRank(a.type) - conditionRank(b.type));
  return [
    `node ${node.name}: ${kv([['allocatable.memory', node.allocatableMemory], ['capacity.memory', node.capacityMemory]])}`.trimEnd(),
    ...conditions.map(
      (c) => `condition ${c.type}=${c.status}${c.reason || c.message ? ` (${[c.reason, c.message].filter(Boolean).map((s) => oneLine(s ?? '')).join(': ')})` : ''}`,
    ),
  ];
}

function stateText(c: ContainerSnapshot): string {
  const s = c.state;
  return `${s.kind} ${kv([['reason', s.reason], ['exitCode', s.exitCode], ['startedAt', s.startedAt], ['finishedAt', s.finishedAt]])} ${oneLine(s.message ?? '')}`.trim();
}

export function containerLines(pod: PodSnapshot, incidentContainer: string): string[] {
  return pod.containers.flatMap((c) => {
    const t = c.lastTermination;
    return [
      `${c.name === incidentContainer ? '*' : '-'} ${c.name} [${c.type}] ${kv([
        ['image', c.image],
        ['requests.memory', c.memoryRequest ?? 'unset'],
        ['limits.memory', c.memoryLimit ?? 'unset'],
        ['ready', c.ready],
        ['restartCount', c.restartCount],
      ])}`,
      `    state: ${stateText(c)}`,
      ...(t
        ? [`    last termination: ${kv([['reason', t.reason], ['exitCode', t.exitCode], ['signal', t.signal], ['startedAt', t.startedAt], ['finishedAt', t.finishedAt]])} ${oneLine(t.message ?? '')}`.trimEnd()]
        : []),
    ];
  });
}

interface MergedEvent {
  type?: string;
  reason?: string;
  message: string;
  fieldPath?: string;
  source?: string;
  count: number;
  first?: string;
  last?: string;
}

/** The pod's own events, repeats merged (counts summed), oldest first. */
export function podEvents(events: EventSnapshot[], pod: Pick<PodSnapshot, 'namespace' | 'name'>): MergedEvent[] {
  const merged = new Map<string, MergedEvent>();
  for (const e of events) {
    if (e.namespace !== pod.namespace || e.involvedName !== pod.name) continue;
    if (e.involvedKind !== undefined && e.involvedKind !== 'Pod') continue;
    const message = oneLine(e.message ?? '');
    const key = JSON.stringify([e.type, e.reason, message, e.involvedFieldPath]);
    const count = Math.max(1, e.count ?? 1);
    const first = e.firstTimestamp ?? e.lastTimestamp;
    const last = e.lastTimestamp ?? e.firstTimestamp;
    const prev = merged.get(key);
    if (!prev) {
      merged.set(key, { type: e.type, reason: e.reason, message, fieldPath: e.involvedFieldPath, source: e.source, count, first, last });
      continue;
    }
    prev.count += count;
    if (first && (!prev.first || first < prev.first)) prev.first = first;
    if (last && (!prev.last || last > prev.last)) prev.last = last;
  }
  return [...merged.values()].sort((a, b) => (a.last ?? a.first ?? '').localeCompare(b.last ?? b.first ?? ''));
}

export function eventLine(e: MergedEvent): string {
  const head = [e.last ?? e.first ?? '(no time)', e.type, e.reason, e.count > 1 ? `x${e.count}` : undefined, e.source ? `from ${e.source}` : undefined, e.fieldPath]
    .filter(Boolean)
    .join(' ');
  return `${head}: ${e.message}`;
}
