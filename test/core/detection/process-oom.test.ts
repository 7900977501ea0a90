import { describe, expect, it } from 'vitest';
import { DETECTION_RULES, detectIncidents } from '../../../src/core/detection/registry.ts';
import { fingerprint } from '../../../src/core/detection/fingerprint.ts';
import { hasResourceDecision, incidentFamily } from '../../../src/core/detection/family.ts';
import { oomVictim, processOomRule } from '../../../src/core/detection/process-oom.ts';
import { parseEvent, parsePod } from '../../../src/core/kube/parse.ts';
import { mustRaiseLimit } from '../../../src/core/policy/evaluate.ts';
import { recommendMemory } from '../../../src/core/recommend/memory.ts';
import { DetectionSchema, type EventSnapshot, type PodSnapshot } from '../../../src/core/model.ts';
import { kubeFixture } from '../../fixtures/kube/load.ts';

// session-cache: a running Deployment pod with `cache` (limit 64Mi) and `exporter` (no limit), both started 09:40:02.
const raw = kubeFixture('pod-leaking-running');
const twoContainers = parsePod(raw);
const POD = twoContainers.name;

/** The parts of the fixture's JSON the variants change. */
interface Raw {
  spec: { containers: Array<{ resources: { limits?: unknown } }> };
  status: {
    phase: string;
    containerStatuses: Array<{ restartCount: number; state: { running?: { startedAt: string }; terminated?: unknown }; lastState: unknown }>;
  };
}
function variant(change: (pod: Raw) => void): PodSnapshot {
  const copy = structuredClone(raw) as unknown as Raw;
  change(copy);
  return parsePod(copy);
}
const singleContainer = variant((p) => {
  p.spec.containers = p.spec.containers.slice(0, 1);
  p.status.containerStatuses = p.status.containerStatuses.slice(0, 1);
});
const noLimits = variant((p) => {
  delete p.spec.containers[0]!.resources.limits;
});
const restartedAfterTheEvent = variant((p) => {
  p.status.containerStatuses[0]!.state.running!.startedAt = '2024-05-14T11:00:00Z';
  p.status.containerStatuses[0]!.restartCount = 1;
  p.status.containerStatuses[0]!.lastState = { terminated: { reason: 'OOMKilled', exitCode: 137, finishedAt: '2024-05-14T10:59:58Z' } };
});
const exporterTerminated = variant((p) => {
  p.status.containerStatuses[1]!.state = { terminated: { reason: 'Error', exitCode: 1, finishedAt: '2024-05-14T10:00:00Z' } };
});
const succeeded = variant((p) => {
  p.status.phase = 'Succeeded';
});
const oomedBeforeAndRunning = variant((p) => {
  p.status.containerStatuses[0]!.restartCount = 1;
  p.status.containerStatuses[0]!.lastState = { terminated: { reason: 'OOMKilled', exitCode: 137, startedAt: '2024-05-14T09:40:00Z', finishedAt: '2024-05-14T09:40:01Z' } };
});

/** A Warning event as the API server lists it (core/v1 names, which is what events.k8s.io/v1 converts from). */
function event(reason: string, message: string, opts: { at?: string; fieldPath?: string; type?: string; count?: number; kind?: string } = {}): EventSnapshot {
  return parseEvent({
    kind: 'Event',
    metadata: { name: `${POD}.17c1e2a3b4c5d6e7`, namespace: 'shop' },
    involvedObject: { kind: opts.kind ?? 'Pod', name: POD, namespace: 'shop', ...(opts.fieldPath ? { fieldPath: opts.fieldPath } : {}) },
    reason,
    message,
    type: opts.type ?? 'Warning',
    count: opts.count ?? 1,
    firstTimestamp: opts.at ?? '2024-05-14T10:15:00Z',
    lastTimestamp: opts.at ?? '2024-05-14T10:15:00Z',
    source: { component: reason === 'OOMKilling' ? 'kernel-monitor' : 'kubelet', host: 'ip-10-0-3-17.eu-west-1.compute.internal' },
  });
}

const SYSTEM_OOM = 'System OOM encountered, victim process: java, pid: 12345';
const KERNEL_OOM = 'Memory cgroup out of memory: Killed process 4242 (python3) total-vm:1048576kB, anon-rss:61440kB, file-rss:1024kB, shmem-rss:0kB, UID:1000 pgtables:412kB oom_score_adj:999';
const CGROUP_V2_OOM = 'oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=cri-containerd-a4c1e9f0.scope,mems_allowed=0,oom_memcg=/kubepods.slice/kubepods-burstable.slice,task_memcg=/kubepods.slice,task=node,pid=777,uid=1000';

describe('processOomRule', () => {
  it.each([
    {
      name: 'a SystemOOM about a two-container pod: the container with the smallest limit',
      pod: twoContainers, events: [event('SystemOOM', SYSTEM_OOM)],
      container: 'cache', victim: 'victim process: java pid=12345',
      note: 'the event names no container: cache has the smallest memory limit (64Mi) of 2 running containers',
    },
    {
      name: "node-problem-detector's OOMKilling naming the container by fieldPath",
      pod: twoContainers, events: [event('OOMKilling', KERNEL_OOM, { fieldPath: 'spec.containers{exporter}' })],
      container: 'exporter', victim: 'victim process: python3 pid=4242', note: undefined,
    },
    {
      name: "the kernel's cgroup v2 summary line",
      pod: singleContainer, events: [event('OOMKilling', CGROUP_V2_OOM)],
      container: 'cache', victim: 'victim process: node pid=777', note: undefined,
    },
    {
      name: 'a single-container pod and a message without a victim',
      pod: singleContainer, events: [event('SystemOOM', 'System OOM encountered')],
      container: 'cache', victim: 'victim process: not named by the event', note: undefined,
    },
    {
      name: 'several running containers, none with a limit: the first stands for the pod',
      pod: noLimits, events: [event('SystemOOM', SYSTEM_OOM)],
      container: 'cache', victim: 'victim process: java pid=12345',
      note: 'the event names no container and none of the 2 running containers has a memory limit: the first, cache, stands for the pod',
    },
    {
      name: 'a second container that is not running does not count as a candidate',
      pod: exporterTerminated, events: [event('SystemOOM', SYSTEM_OOM)],
      container: 'cache', victim: 'victim process: java pid=12345', note: undefined,
    },
  ])('finds $name', ({ pod, events, container, victim, note }) => {
    const found = processOomRule.detect(pod, { events });
    expect(found).toHaveLength(1);
    const d = found[0]!;
    expect(DetectionSchema.parse(d)).toEqual(d);
    expect(d).toMatchObject({ kind: 'ProcessOOM', container, containerType: 'app', restartCount: 0, lastTerminatedAt: '2024-05-14T10:15:00.000Z' });
    expect(d.exitCode).toBeUndefined();
    expect(d.facts[0]).toMatch(/^event (SystemOOM|OOMKilling): /);
    expect(d.facts).toContain(victim);
    expect(d.facts).toContain(`containerStatuses[${container}].state.running: startedAt=2024-05-14T09:40:02.000Z (the container kept running)`);
    if (note) expect(d.facts).toContain(note);
    else expect(d.facts.some((f) => f.startsWith('the event names no container'))).toBe(false);
    expect(d.facts).toContain('metadata.ownerReferences[controller]: ReplicaSet/session-cache-7c9f5d8b6');
  });

  it.each([
    { name: 'no events', pod: twoContainers, events: [] },
    { name: 'a Normal event with an OOM reason', pod: twoContainers, events: [event('SystemOOM', SYSTEM_OOM, { type: 'Normal' })] },
    { name: 'other Warning reasons', pod: twoContainers, events: [event('BackOff', 'Back-off restarting failed container'), event('Unhealthy', 'Liveness probe failed: timeout')] },
    { name: 'an event older than the container’s current start (its own OOMKilled covers that run)', pod: restartedAfterTheEvent, events: [event('SystemOOM', SYSTEM_OOM)] },
    { name: 'a field path naming a container that is not running', pod: exporterTerminated, events: [event('SystemOOM', SYSTEM_OOM, { fieldPath: 'spec.containers{exporter}' })] },
    { name: 'a field path naming a container the pod does not have', pod: twoContainers, events: [event('SystemOOM', SYSTEM_OOM, { fieldPath: 'spec.containers{gone}' })] },
    { name: 'a pod that has finished', pod: succeeded, events: [event('SystemOOM', SYSTEM_OOM)] },
  ])('finds nothing with $name', ({ pod, events }) => {
    expect(processOomRule.detect(pod, { events })).toEqual([]);
  });

  it('folds a burst of kills of one container into one detection at the latest kill, counting them', () => {
    const events = [
      event('SystemOOM', 'System OOM encountered, victim process: java, pid: 111', { at: '2024-05-14T10:15:00Z' }),
      event('SystemOOM', 'System OOM encountered, victim process: java, pid: 222', { at: '2024-05-14T10:20:00Z', count: 2 }),
    ];
    const [d, ...rest] = processOomRule.detect(singleContainer, { events });
    expect(rest).toEqual([]);
    expect(d).toMatchObject({ lastTerminatedAt: '2024-05-14T10:20:00.000Z', reason: 'SystemOOM' });
    expect(d!.facts[0]).toBe('event SystemOOM (×3): System OOM encountered, victim process: java, pid: 222');
    expect(d!.facts).toContain('victim process: java pid=222');
  });

  it('keeps the process name inert: only name characters survive, cut short', () => {
    expect(oomVictim('System OOM encountered, victim process: <!channel>*bold*`x`, pid: 9')).toEqual({ process: 'channelboldx', pid: 9 });
    expect(oomVictim(`Killed process 5 (${'a'.repeat(300)})`)).toBeUndefined();
    expect(oomVictim(`Killed process 5 (${'a'.repeat(200)})`)?.process).toHaveLength(64);
    expect(oomVictim('no victim here')).toBeUndefined();
  });
});

describe('ProcessOOM through the registry', () => {
  it('sees only events about the pod: a SystemOOM about the Node is not the pod’s', () => {
    const nodeEvent = { ...event('SystemOOM', SYSTEM_OOM), involvedKind: 'Node', involvedName: 'ip-10-0-3-17.eu-west-1.compute.internal' };
    expect(detectIncidents([singleContainer], DETECTION_RULES, [nodeEvent])).toEqual([]);
    expect(detectIncidents([singleContainer], DETECTION_RULES, [event('SystemOOM', SYSTEM_OOM)]).map((d) => d.kind)).toEqual(['ProcessOOM']);
  });

  it('is its own incident beside an earlier OOMKilled of the same container (separate fingerprints)', () => {
    const found = detectIncidents([oomedBeforeAndRunning], DETECTION_RULES, [event('SystemOOM', SYSTEM_OOM)]);
    expect(found.map((d) => `${d.kind}/${d.container}`).sort()).toEqual(['OOMKilled/cache', 'ProcessOOM/cache']);
    const workload = { kind: 'Deployment', name: 'session-cache' };
    const [a, b] = found.map((d) => fingerprint(d, workload));
    expect(a).not.toBe(b);
    expect(found.map((d) => fingerprint(d, workload)).find((f) => f.startsWith('process-oom-'))).toBeDefined();
  });

  it('is a memory incident with a limit to raise, sized like an OOM kill', () => {
    const [d] = processOomRule.detect(singleContainer, { events: [event('SystemOOM', SYSTEM_OOM)] });
    expect(incidentFamily(d!.kind)).toBe('memory');
    expect(hasResourceDecision(d!.kind)).toBe(true);
    expect(mustRaiseLimit(d!.kind)).toBe(true);
    const rec = recommendMemory(d!);
    expect(rec).toMatchObject({ rule: 'vpa-oom-bump', basis: expect.stringMatching(/^limit at OOM 64Mi/) });
    expect(rec).toEqual(recommendMemory({ ...d!, kind: 'OOMKilled' }));
  });
});
