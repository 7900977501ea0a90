// A ClusterReader over a saved `kubectl get pods,events -o json` dump, so the same pipeline
// analyzes a customer's dump offline. Dumps carry no logs; owners resolve from the pod alone.
import { parseKubeDump } from '../../core/kube/parse.ts';
import { workloadFromOwner } from '../../core/detection/fingerprint.ts';
import type { ClusterReader } from '../../ports.ts';

export function createDumpReader(json: unknown): ClusterReader & { namespaces(): string[] } {
  const dump = parseKubeDump(json);
  const namespaces = [...new Set(dump.pods.map((p) => p.namespace))].sort();
  return {
    namespaces: () => namespaces,
    listPods: async (ns) => dump.pods.filter((p) => p.namespace === ns),
    listEvents: async (ns) => dump.events.filter((e) => e.namespace === ns),
    readLog: async () => '',
    readNode: async (name) => dump.nodes.find((n) => n.name === name),
    // A dump without nodes says nothing about them (rather than "there are none").
    ...(dump.nodes.length > 0 ? { listNodes: async () => dump.nodes } : {}),
    resolveWorkload: async (_ns, owner, podName) => workloadFromOwner(owner, podName),
    namespaceExists: async (ns) => namespaces.includes(ns),
    listNamespaces: async () => namespaces,
  };
}
