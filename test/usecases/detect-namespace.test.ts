// Detection with I/O: a crash loop's previous log is read once per termination to tell a runtime
// heap OOM, not on every scan; a log that could not be read is asked again.
import { describe, expect, it } from 'vitest';
import { createDumpReader } from '../../src/adapters/kubernetes/dump-reader.ts';
import { parseNode, parsePod } from '../../src/core/kube/parse.ts';
import type { NodeSnapshot, PodSnapshot } from '../../src/core/model.ts';
import type { ClusterReader, LogRequest } from '../../src/ports.ts';
import { detectPods } from '../../src/usecases/detect-namespace.ts';
import { kubeFixture } from '../fixtures/kube/load.ts';

const JVM_LOG = 'Exception in thread "main" java.lang.OutOfMemoryError: Java heap space\n\tat Report.build(Report.java:88)';

function crashing(finishedAt: string): PodSnapshot {
  const raw = kubeFixture('pod-exit1-crashloop');
  const status = (raw.status as { containerStatuses: Array<Record<string, unknown>> }).containerStatuses[0]!;
  status.lastState = { terminated: { exitCode: 1, reason: 'Error', startedAt: '2024-05-14T08:40:00Z', finishedAt } };
  return parsePod(raw);
}

function countingReader(answer: () => Promise<string>): ClusterReader & { reads: LogRequest[] } {
  const base = createDumpReader({ kind: 'List', items: [] });
  const reads: LogRequest[] = [];
  return { ...base, reads, readLog: async (req) => { reads.push(req); return answer(); } };
}

describe('detectPods: runtime heap OOMs', () => {
  it('reads the previous log once per termination', async () => {
    const reader = countingReader(async () => JVM_LOG);
    const first = crashing('2024-05-14T08:40:01Z');
    for (let scan = 0; scan < 3; scan++) {
      const { found } = await detectPods(reader, first.namespace, [first]);
      expect(found.map((f) => f.detection.kind)).toEqual(['RuntimeOOM']);
    }
    expect(reader.reads).toHaveLength(1);
    expect(reader.reads[0]).toMatchObject({ container: 'app', previous: true, tailLines: 200 });

    const again = crashing('2024-05-14T08:45:09Z');
    await detectPods(reader, again.namespace, [again]);
    expect(reader.reads).toHaveLength(2);
  });

  it('asks again when the log could not be read, and stays a crash loop meanwhile', async () => {
    let fail = true;
    const reader = countingReader(async () => {
      if (fail) throw new Error('kubelet unreachable');
      return JVM_LOG;
    });
    const pod = crashing('2024-05-14T09:00:01Z');
    expect((await detectPods(reader, pod.namespace, [pod])).found.map((f) => f.detection.kind)).toEqual(['CrashLoop']);
    fail = false;
    expect((await detectPods(reader, pod.namespace, [pod])).found.map((f) => f.detection.kind)).toEqual(['RuntimeOOM']);
    expect(reader.reads).toHaveLength(2);
  });
});

describe('detectPods: the cluster read', () => {
  const pod = () => parsePod(kubeFixture('pod-exit1-crashloop'));
  const reader = (clusterRef?: { name: string; named: boolean }): ClusterReader => ({
    ...createDumpReader({ kind: 'List', items: [] }), ...(clusterRef ? { clusterRef } : {}),
  });

  it('labels what it finds with the cluster and scopes fingerprints of a named one', async () => {
    const p = pod();
    const plain = await detectPods(reader(), p.namespace, [p]);
    const a = await detectPods(reader({ name: 'a', named: true }), p.namespace, [p]);
    const b = await detectPods(reader({ name: 'b', named: true }), p.namespace, [p]);
    expect(plain.found.map((f) => f.cluster)).toEqual([undefined]);
    expect(a.found.map((f) => f.cluster)).toEqual(['a']);
    expect(a.clusterRef).toEqual({ name: 'a', named: true });
    expect(new Set([plain, a, b].map((r) => r.found[0]!.fingerprint)).size).toBe(3);
  });

  it('labels but does not scope the fingerprints of a cluster known only by its kubeconfig', async () => {
    const p = pod();
    const plain = await detectPods(reader(), p.namespace, [p]);
    const kind = await detectPods(reader({ name: 'kind-kind', named: false }), p.namespace, [p]);
    expect(kind.found[0]!.cluster).toBe('kind-kind');
    expect(kind.found[0]!.fingerprint).toBe(plain.found[0]!.fingerprint);
  });
});

describe('detectPods: unschedulable pods and the nodes', () => {
  const pending = () => parsePod(kubeFixture('pod-unschedulable'));
  const node = parseNode(kubeFixture('node-memory-pressure'));
  const withNodes = (listNodes: () => Promise<NodeSnapshot[]>): ClusterReader & { lists: number } => {
    const r = { ...createDumpReader({ kind: 'List', items: [] }), lists: 0 };
    return Object.assign(r, { listNodes: async () => { r.lists++; return listNodes(); } });
  };

  it('lists the nodes once per batch and says the pod fits on none of them', async () => {
    const reader = withNodes(async () => [node]);
    const other = { ...pending(), name: 'report-worker-2', uid: 'other', ownerReferences: [] };
    const result = await detectPods(reader, 'batch', [pending(), other, crashing('2024-05-14T08:40:01Z')]);
    expect(reader.lists).toBe(1);
    const facts = result.found.filter((f) => f.detection.kind === 'Unschedulable').map((f) => f.detection.facts.join('\n'));
    expect(facts).toHaveLength(2);
    for (const f of facts) expect(f).toContain('the pod requests more memory (48Gi) than any node can allocate (6883.8Mi)');
  });

  it('does not list nodes when nothing is unschedulable, and still reports the pod when the list fails', async () => {
    const quiet = withNodes(async () => [node]);
    await detectPods(quiet, 'batch', [crashing('2024-05-14T08:40:01Z')]);
    expect(quiet.lists).toBe(0);
    const failing = withNodes(async () => { throw new Error('nodes is forbidden'); });
    const result = await detectPods(failing, 'batch', [pending()]);
    expect(result.found.map((f) => f.detection.kind)).toEqual(['Unschedulable']);
    expect(result.found[0]!.detection.facts.join('\n')).not.toContain('largest node');
  });
});
