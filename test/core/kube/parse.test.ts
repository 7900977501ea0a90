import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseEvent, parseKubeDump, parseNode, parsePod } from '../../../src/core/kube/parse.ts';
import { isAppError } from '../../../src/core/errors.ts';
import { PodSnapshotSchema, EventSnapshotSchema, NodeSnapshotSchema } from '../../../src/core/model.ts';
import { kubeFixture } from '../../fixtures/kube/load.ts';

describe('parsePod', () => {
  it('merges spec resources with status for a crash-looping Deployment pod', () => {
    const pod = parsePod(kubeFixture('pod-oom-crashloop-64mi'));
    expect(pod).toMatchObject({
      namespace: 'shop',
      name: 'web-7d4b9c8f6-x2x9k',
      uid: '5c0a3f6e-8d2b-4b71-a4c3-2f9e1d7b6a10',
      phase: 'Running',
      qosClass: 'Burstable',
      nodeName: 'ip-10-0-3-17.eu-west-1.compute.internal',
      labels: { app: 'web', 'pod-template-hash': '7d4b9c8f6' },
      ownerReferences: [{ kind: 'ReplicaSet', name: 'web-7d4b9c8f6', controller: true }],
      creationTimestamp: '2024-05-14T08:00:00.000Z',
      startTime: '2024-05-14T08:00:00.000Z',
    });
    expect(pod.containers).toEqual([
      {
        name: 'app',
        type: 'app',
        image: 'registry.example.com/shop/web:1.14.2',
        memoryRequest: '32Mi',
        memoryLimit: '64Mi',
        cpuRequest: '100m',
        cpuLimit: '500m',
        ready: false,
        restartCount: 5,
        state: {
          kind: 'waiting',
          reason: 'CrashLoopBackOff',
          message: expect.stringContaining('back-off 2m40s') as unknown as string,
        },
        lastTermination: {
          reason: 'OOMKilled',
          exitCode: 137,
          startedAt: '2024-05-14T08:21:02.000Z',
          finishedAt: '2024-05-14T08:21:09.000Z',
        },
      },
    ]);
    expect(PodSnapshotSchema.parse(pod)).toEqual(pod);
  });

  it.each([
    ['pod-oom-sidecar', 'log-shipper', 'sidecar'],
    ['pod-oom-init', 'fetch-data', 'init'],
    ['pod-oom-sidecar', 'postgres', 'app'],
  ] as const)('%s: container %s is typed %s', (fixture, name, type) => {
    const pod = parsePod(kubeFixture(fixture));
    expect(pod.containers.find((c) => c.name === name)?.type).toBe(type);
  });

  it('types ephemeral containers and keeps a status whose spec is missing', () => {
    const raw = kubeFixture('pod-oom-recovered-running');
    const spec = raw.spec as Record<string, unknown>;
    const status = raw.status as Record<string, unknown>;
    spec.ephemeralContainers = [{ name: 'debugger', image: 'busybox:1.36', targetContainerName: 'api' }];
    status.ephemeralContainerStatuses = [
      { name: 'debugger', image: 'busybox:1.36', ready: false, restartCount: 0, state: { running: { startedAt: '2024-05-14T10:30:00Z' } } },
    ];
    status.initContainerStatuses = [{ name: 'ghost', restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }];
    const pod = parsePod(raw);
    expect(pod.containers.map((c) => [c.name, c.type, c.state.kind])).toEqual([
      ['ghost', 'init', 'terminated'],
      ['api', 'app', 'running'],
      ['debugger', 'ephemeral', 'running'],
    ]);
  });

  it('prefers the resources applied in status (in-place resize) over the spec', () => {
    const raw = kubeFixture('pod-oom-recovered-running');
    const cs = (raw.status as { containerStatuses: Record<string, unknown>[] }).containerStatuses[0]!;
    cs.resources = { requests: { memory: '192Mi' }, limits: { memory: '384Mi' } };
    const c = parsePod(raw).containers[0]!;
    expect([c.memoryRequest, c.memoryLimit]).toEqual(['192Mi', '384Mi']);
  });

  it('tolerates missing status, null lists, numbers as strings and Date objects', () => {
    const pod = parsePod({
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'ns', labels: { tier: 1, broken: null }, ownerReferences: null, creationTimestamp: new Date('2024-05-14T08:00:00Z') },
      spec: {
        containers: [{ name: 'app', resources: { limits: { memory: 67108864 } } }, 'junk', null],
        initContainers: null,
      },
      status: {
        containerStatuses: [{ name: 'app', restartCount: '4', ready: 'true', state: { terminated: { exitCode: '137', reason: 'OOMKilled', finishedAt: 'yesterday' } } }],
      },
    });
    expect(pod.labels).toEqual({ tier: '1' });
    expect(pod.ownerReferences).toEqual([]);
    expect(pod.creationTimestamp).toBe('2024-05-14T08:00:00.000Z');
    expect(pod.containers).toEqual([
      {
        name: 'app',
        type: 'app',
        memoryLimit: '67108864',
        ready: true,
        restartCount: 4,
        state: { kind: 'terminated', reason: 'OOMKilled', exitCode: 137 },
      },
    ]);
  });

  it('reads a pod with no status at all as containers in an unknown state', () => {
    const pod = parsePod({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'fresh' }, spec: { containers: [{ name: 'app' }] } });
    expect(pod.namespace).toBe('default');
    expect(pod.containers).toEqual([{ name: 'app', type: 'app', ready: false, restartCount: 0, state: { kind: 'unknown' } }]);
  });

  it.each([
    ['a string', 'not a pod', /got string/],
    ['null', null, /got null/],
    ['an array', [], /got an array/],
    ['a Deployment', { kind: 'Deployment', metadata: { name: 'web' } }, /expected kind Pod, got kind Deployment/],
  ])('refuses %s with input_invalid', (_what, input, message) => {
    let caught: unknown;
    try {
      parsePod(input);
    } catch (err) {
      caught = err;
    }
    expect(isAppError(caught, 'input_invalid')).toBe(true);
    expect((caught as Error).message).toMatch(message);
  });

  it('never throws on objects with missing or odd fields (property)', () => {
    const odd = fc.oneof(
      fc.constant(null),
      fc.constant(undefined),
      fc.string(),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.array(fc.anything(), { maxLength: 3 }),
      fc.dictionary(fc.string(), fc.anything(), { maxKeys: 3 }),
    );
    const terminated = fc.record({ reason: fc.oneof(fc.constant('OOMKilled'), odd), exitCode: odd, finishedAt: odd }, { requiredKeys: [] });
    const state = fc.oneof(odd, fc.record({ terminated: fc.oneof(terminated, odd), waiting: odd, running: odd }, { requiredKeys: [] }));
    const status = fc.record({ name: fc.oneof(fc.constant('app'), odd), restartCount: odd, ready: odd, state, lastState: state }, { requiredKeys: [] });
    const rawPod = fc.record(
      {
        kind: fc.constant('Pod'),
        metadata: fc.oneof(odd, fc.record({ name: odd, namespace: odd, labels: odd, ownerReferences: odd }, { requiredKeys: [] })),
        spec: fc.oneof(odd, fc.record({ containers: fc.oneof(odd, fc.array(fc.oneof(odd, fc.record({ name: odd, resources: odd })))), initContainers: odd }, { requiredKeys: [] })),
        status: fc.oneof(odd, fc.record({ reason: odd, message: odd, containerStatuses: fc.oneof(odd, fc.array(fc.oneof(status, odd))), initContainerStatuses: odd }, { requiredKeys: [] })),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(rawPod, (raw) => {
        const pod = parsePod(raw);
        PodSnapshotSchema.parse(pod);
      }),
      { numRuns: 500 },
    );
  });
});

describe('parseEvent', () => {
  it('reads core/v1 events, new-style events with null legacy timestamps, and node events', () => {
    const items = (kubeFixture('events-web') as { items: unknown[] }).items.map(parseEvent);
    for (const e of items) EventSnapshotSchema.parse(e);
    expect(items[4]).toEqual({
      namespace: 'shop',
      involvedKind: 'Pod',
      involvedName: 'web-7d4b9c8f6-x2x9k',
      involvedFieldPath: 'spec.containers{app}',
      type: 'Warning',
      reason: 'BackOff',
      message: 'Back-off restarting failed container app in pod web-7d4b9c8f6-x2x9k_shop(5c0a3f6e-8d2b-4b71-a4c3-2f9e1d7b6a10)',
      count: 23,
      firstTimestamp: '2024-05-14T08:02:10.000Z',
      lastTimestamp: '2024-05-14T08:23:40.000Z',
      source: 'kubelet',
    });
    // Scheduled: count null, legacy timestamps null, eventTime with microseconds.
    expect(items[0]).toMatchObject({ reason: 'Scheduled', firstTimestamp: '2024-05-14T08:00:00.412Z', lastTimestamp: '2024-05-14T08:00:00.412Z', source: 'default-scheduler' });
    expect(items[0]?.count).toBeUndefined();
    expect(items[6]).toMatchObject({ involvedKind: 'Node', reason: 'SystemOOM' });
  });

  it('reads events.k8s.io/v1 field names', () => {
    const e = parseEvent({
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name: 'x.1', namespace: 'shop' },
      regarding: { kind: 'Pod', name: 'web-1', namespace: 'shop', fieldPath: 'spec.containers{app}' },
      note: 'Back-off restarting failed container app',
      reason: 'BackOff',
      type: 'Warning',
      eventTime: '2024-05-14T08:02:10.000000Z',
      series: { count: 9, lastObservedTime: '2024-05-14T08:20:00.000000Z' },
      reportingController: 'kubelet',
    });
    expect(e).toMatchObject({ involvedName: 'web-1', message: 'Back-off restarting failed container app', count: 9, lastTimestamp: '2024-05-14T08:20:00.000Z', source: 'kubelet' });
  });

  it('reads an events.k8s.io/v1 event the API server converted from core/v1 (deprecated fields)', () => {
    const e = parseEvent({
      kind: 'Event',
      apiVersion: 'events.k8s.io/v1',
      metadata: { name: 'api-7d9f-x2k4q.17c1e2', namespace: 'shop', uid: 'a1', resourceVersion: '4711' },
      eventTime: null,
      reportingController: 'kubelet',
      reportingInstance: 'worker-1',
      action: '',
      reason: 'SystemOOM',
      regarding: { kind: 'Pod', namespace: 'shop', name: 'api-7d9f-x2k4q', apiVersion: 'v1' },
      note: 'System OOM encountered, victim process: java, pid: 12345',
      type: 'Warning',
      deprecatedSource: { component: 'kubelet', host: 'worker-1' },
      deprecatedFirstTimestamp: '2024-05-14T08:00:00Z',
      deprecatedLastTimestamp: '2024-05-14T08:05:00Z',
      deprecatedCount: 2,
    });
    expect(e).toEqual({
      namespace: 'shop', involvedKind: 'Pod', involvedName: 'api-7d9f-x2k4q', type: 'Warning', reason: 'SystemOOM',
      message: 'System OOM encountered, victim process: java, pid: 12345', count: 2,
      firstTimestamp: '2024-05-14T08:00:00.000Z', lastTimestamp: '2024-05-14T08:05:00.000Z', source: 'kubelet',
    });
  });

  it.each([
    { name: 'the series is newer than the deprecated last time', deprecated: '2024-05-14T08:05:00Z', observed: '2024-05-14T08:20:00Z', want: '2024-05-14T08:20:00.000Z' },
    { name: 'the deprecated last time is newer than the series', deprecated: '2024-05-14T08:30:00Z', observed: '2024-05-14T08:20:00Z', want: '2024-05-14T08:30:00.000Z' },
  ])('takes the latest time an event records when $name', ({ deprecated, observed, want }) => {
    const e = parseEvent({
      kind: 'Event', metadata: { namespace: 'shop' }, regarding: { kind: 'Pod', name: 'web-1' }, reason: 'BackOff', type: 'Warning',
      eventTime: '2024-05-14T08:00:00Z', deprecatedLastTimestamp: deprecated, series: { count: 3, lastObservedTime: observed },
    });
    expect(e.lastTimestamp).toBe(want);
    expect(e.firstTimestamp).toBe('2024-05-14T08:00:00.000Z');
  });

  it('refuses a Pod given as an Event', () => {
    expect(() => parseEvent(kubeFixture('pod-oom-init'))).toThrow(/expected kind Event, got kind Pod/);
  });
});

describe('parseNode', () => {
  it('reads conditions and memory of a node under MemoryPressure', () => {
    const node = parseNode(kubeFixture('node-memory-pressure'));
    expect(NodeSnapshotSchema.parse(node)).toEqual(node);
    expect(node.name).toBe('ip-10-0-5-42.eu-west-1.compute.internal');
    expect(node.allocatableMemory).toBe('7049000Ki');
    expect(node.capacityMemory).toBe('7958312Ki');
    expect(node.conditions[0]).toEqual({
      type: 'MemoryPressure',
      status: 'True',
      reason: 'KubeletHasInsufficientMemory',
      message: 'kubelet has insufficient memory available',
    });
    expect(node.conditions.map((c) => c.type)).toEqual(['MemoryPressure', 'DiskPressure', 'PIDPressure', 'Ready']);
  });
});

describe('parseKubeDump', () => {
  it('splits a `kubectl get pods,events -o json` List into pods and events', () => {
    const dump = parseKubeDump(kubeFixture('dump-pods-events'));
    expect(dump.pods.map((p) => p.name)).toEqual([
      'web-7d4b9c8f6-x2x9k',
      'web-7d4b9c8f6-p4k8m',
      'api-5d59d67564-8gq4n',
      'cache-6f8d9c7b45-tn2qs',
    ]);
    expect(dump.events.map((e) => e.reason)).toEqual(['Scheduled', 'Pulled', 'Created', 'Started', 'BackOff']);
    expect(dump.nodes).toEqual([]);
  });

  it('reads typed lists whose items carry no kind (as the API server returns them)', () => {
    const pod = kubeFixture('pod-oom-sidecar');
    delete pod.kind;
    const node = kubeFixture('node-memory-pressure');
    delete node.kind;
    expect(parseKubeDump({ kind: 'PodList', items: [pod] }).pods[0]?.name).toBe('orders-db-0');
    expect(parseKubeDump({ kind: 'NodeList', items: [node] }).nodes[0]?.name).toBe('ip-10-0-5-42.eu-west-1.compute.internal');
    // An untyped List: kinds are guessed from the shape.
    const guessed = parseKubeDump({ items: [pod, node, { involvedObject: { kind: 'Pod', name: 'orders-db-0' }, reason: 'BackOff' }] });
    expect([guessed.pods.length, guessed.nodes.length, guessed.events.length]).toEqual([1, 1, 1]);
  });

  it('accepts a single Pod, and skips other kinds inside a List', () => {
    expect(parseKubeDump(kubeFixture('pod-oom-init')).pods).toHaveLength(1);
    const dump = parseKubeDump({ kind: 'List', items: [{ kind: 'Service', metadata: { name: 'web' } }, 'junk', kubeFixture('pod-oom-init')] });
    expect(dump.pods).toHaveLength(1);
  });

  it.each([
    ['a number', 42, /got number/],
    ['a Deployment', { kind: 'Deployment', metadata: { name: 'web' } }, /got kind Deployment/],
  ])('refuses %s', (_what, input, message) => {
    expect(() => parseKubeDump(input)).toThrow(message);
  });
});
