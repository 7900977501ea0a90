// ProcessOOM: the kernel OOM killer ended one process of a container that keeps running (a child
// process, a worker of a pre-fork server, a shell's job). The container's status shows nothing:
// no OOMKilled, no restart. Only a Warning event about the pod tells: `SystemOOM` ("System OOM
// encountered, victim process: java, pid: 12345") or `OOMKilling` with the kernel's words
// ("Memory cgroup out of memory: Killed process 12345 (java) ..."). The container's cgroup hit its
// memory limit, so like OOMKilled it is fixed by a larger limit (or a smaller process).
//
// Which container: the one the event's fieldPath names; else the only running container; else the
// running container with the smallest memory limit (the cgroup whose limit the kernel most likely
// hit), first in spec order on a tie or when none has a limit. The fact list says when it was chosen.
// An event older than the container's current start is about an earlier run: that run's own
// termination (OOMKilled or not) is the status rules' business.
import type { ContainerSnapshot, Detection, EventSnapshot, PodSnapshot } from '../model.ts';
import type { DetectionRule, RuleContext } from './rule.ts';
import { baseDetection, contextFacts, stateFact } from './facts.ts';
import { toBytes } from '../quantity.ts';

export const PROCESS_OOM_REASONS: ReadonlySet<string> = new Set(['SystemOOM', 'OOMKilling']);

const EVENT_MESSAGE_MAX = 240;
const PROCESS_NAME_MAX = 64;
const FIELD_PATH = /^spec\.(?:containers|initContainers|ephemeralContainers)\{([^}]+)\}$/;
// The kubelet's, the kernel's classic line (node-problem-detector) and the kernel's cgroup v2 summary.
const VICTIM_PATTERNS: ReadonlyArray<{ re: RegExp; name: number; pid: number }> = [
  { re: /victim process:\s*([^,\s]+),\s*pid:\s*(\d+)/i, name: 1, pid: 2 },
  { re: /Killed process (\d+) \(([^)]{1,256})\)/i, name: 2, pid: 1 },
  { re: /\btask=([^,\s]+),\s*pid=(\d+)/i, name: 1, pid: 2 },
];

export interface OomVictim {
  process: string;
  pid: number;
}

/** The killed process as the event's message names it, if it does. */
export function oomVictim(message: string | undefined): OomVictim | undefined {
  for (const { re, name, pid } of VICTIM_PATTERNS) {
    const m = re.exec(message ?? '');
    if (!m) continue;
    const process = m[name]!.replace(/[^\w.:/@+-]/g, '').slice(0, PROCESS_NAME_MAX);
    const n = Number(m[pid]);
    if (process !== '' && Number.isSafeInteger(n)) return { process, pid: n };
  }
  return undefined;
}

/** A Warning OOM-kill event (of either source). */
export function isProcessOomEvent(e: EventSnapshot): boolean {
  return e.type !== 'Normal' && PROCESS_OOM_REASONS.has(e.reason ?? '');
}

/** When it happened: the latest time the event records. */
function eventTime(e: EventSnapshot): string | undefined {
  return e.lastTimestamp ?? e.firstTimestamp;
}

function isRunningSince(c: ContainerSnapshot, at: string | undefined): boolean {
  if (c.state.kind !== 'running') return false;
  if (at === undefined || c.state.startedAt === undefined) return true;
  return Date.parse(c.state.startedAt) <= Date.parse(at);
}

interface Choice {
  container: ContainerSnapshot;
  /** Why this one, when the event did not name it. */
  note?: string;
}

function chooseContainer(pod: PodSnapshot, e: EventSnapshot): Choice | undefined {
  const named = FIELD_PATH.exec(e.involvedFieldPath ?? '')?.[1];
  if (named !== undefined) {
    const c = pod.containers.find((x) => x.name === named);
    return c ? { container: c } : undefined;
  }
  const running = pod.containers.filter((c) => c.state.kind === 'running' && c.type !== 'ephemeral');
  if (running.length <= 1) return running[0] ? { container: running[0] } : undefined;
  const limited = running
    .map((c, i) => ({ c, i, bytes: c.memoryLimit === undefined ? undefined : toBytes(c.memoryLimit) }))
    .filter((x): x is { c: ContainerSnapshot; i: number; bytes: number } => x.bytes !== undefined)
    .sort((a, b) => a.bytes - b.bytes || a.i - b.i);
  const pick = limited[0];
  if (pick) {
    return { container: pick.c, note: `the event names no container: ${pick.c.name} has the smallest memory limit (${pick.c.memoryLimit}) of ${running.length} running containers` };
  }
  return { container: running[0]!, note: `the event names no container and none of the ${running.length} running containers has a memory limit: the first, ${running[0]!.name}, stands for the pod` };
}

function eventFact(e: EventSnapshot, count: number): string {
  const msg = (e.message ?? '').replace(/\s+/g, ' ').trim();
  const times = count > 1 ? ` (×${count})` : '';
  return `event ${e.reason}${times}: ${msg.length > EVENT_MESSAGE_MAX ? `${msg.slice(0, EVENT_MESSAGE_MAX - 1)}…` : msg}`;
}

export const processOomRule: DetectionRule = {
  id: 'process-oom',
  detect(pod: PodSnapshot, ctx?: RuleContext): Detection[] {
    if (pod.phase === 'Succeeded' || pod.phase === 'Failed') return [];
    const byContainer = new Map<string, { choice: Choice; events: EventSnapshot[] }>();
    for (const e of ctx?.events ?? []) {
      if (!isProcessOomEvent(e)) continue;
      const choice = chooseContainer(pod, e);
      if (!choice || !isRunningSince(choice.container, eventTime(e))) continue;
      const entry = byContainer.get(choice.container.name) ?? { choice, events: [] };
      entry.events.push(e);
      byContainer.set(choice.container.name, entry);
    }
    return [...byContainer.values()].map(({ choice, events }) => {
      const c = choice.container;
      const latest = [...events].sort((a, b) => (eventTime(b) ?? '').localeCompare(eventTime(a) ?? ''))[0]!;
      const count = events.reduce((n, e) => n + Math.max(1, e.count ?? 1), 0);
      const victim = oomVictim(latest.message);
      const at = eventTime(latest);
      const running = stateFact(c);
      return {
        kind: 'ProcessOOM',
        ...baseDetection(pod, c, c.name),
        reason: latest.reason ?? 'OOMKilling',
        // The kill is this occurrence's time: a later kill is a new occurrence, a replayed event is not.
        ...(at ? { lastTerminatedAt: at } : {}),
        facts: [
          eventFact(latest, count),
          victim ? `victim process: ${victim.process} pid=${victim.pid}` : 'victim process: not named by the event',
          ...(running ? [`${running} (the container kept running)`] : []),
          ...(choice.note ? [choice.note] : []),
          ...contextFacts(pod, c),
        ],
      } satisfies Detection;
    });
  },
};
