// The family of an alert the rules do not flag, from its name (or the Kubernetes reason a
// kube-state-metrics alert carries), the way an on-call engineer would sort it: OOM and memory
// alerts are memory, CrashLooping is crash, NodeNotReady and pressure are node, CPUThrottlingHigh
// is cpu... First match wins, so more specific patterns come first.
import type { IncidentFamily } from '../model.ts';

const BY_NAME: ReadonlyArray<readonly [RegExp, IncidentFamily]> = [
  [/oom|out.?of.?memory|memory|swap/i, 'memory'],
  [/cpu|throttl/i, 'cpu'],
  [/file.?system|disk|volume|inode|iops|storage/i, 'io'],
  [/node.?(not.?ready|unreachable)|kubelet|pressure/i, 'node'],
  [/image|pull/i, 'image'],
  [/unschedul|schedul|pending|quota/i, 'scheduling'],
  [/network|dns|target.?down|unreachable|latency|connect|ingress|packet|http/i, 'network'],
  [/crash|restart|back.?off|not.?ready|waiting|fail|error|kill|down|terminat|replicas/i, 'crash'],
  [/config|version|certificate|expir|mismatch/i, 'config'],
  [/node/i, 'node'],
];

/** Kubernetes reasons a container or pod alert may carry in its `reason` label. */
const BY_REASON: ReadonlyArray<readonly [RegExp, IncidentFamily]> = [
  [/^oomkilled$|evicted/i, 'memory'],
  [/imagepull|errimage|invalidimage/i, 'image'],
  [/createcontainerconfigerror|createcontainererror|containercannotrun/i, 'config'],
  [/crashloopbackoff|error|runcontainererror/i, 'crash'],
  [/unschedulable/i, 'scheduling'],
];

function firstMatch(text: string | undefined, table: ReadonlyArray<readonly [RegExp, IncidentFamily]>): IncidentFamily | undefined {
  if (!text) return undefined;
  return table.find(([re]) => re.test(text))?.[1];
}

/**
 * The family of an alert: its Kubernetes reason, else its name; else what it is about (a node:
 * node; a pod or container: crash); else config (cluster-wide alerts about the platform itself).
 */
export function alertFamily(labels: Readonly<Record<string, string>>): IncidentFamily {
  return firstMatch(labels.reason, BY_REASON)
    ?? firstMatch(labels.alertname, BY_NAME)
    ?? (labels.node && !labels.pod ? 'node' : labels.pod || labels.container ? 'crash' : 'config');
}
