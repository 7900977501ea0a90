// Lists a namespace's pods once and runs the pure detection rules over them. Cheap: no logs,
// no LLM; the expensive part (analyze-incident) runs only for new or changed incidents.
import { DETECTION_RULES, detectIncidents, needsEvents } from '../core/detection/registry.ts';
import { fingerprint } from '../core/detection/fingerprint.ts';
import type { Detection, FoundIncident, PodSnapshot, WorkloadRef } from '../core/model.ts';
import type { ClusterReader, OwnerLookup } from '../ports.ts';
import { AppError } from '../core/errors.ts';

export type { FoundIncident };

export interface DetectResult {
  namespace: string;
  podsChecked: number;
  pods: PodSnapshot[];
  found: FoundIncident[];
}

export async function detectNamespace(cluster: ClusterReader, namespace: string): Promise<DetectResult> {
  const pods = await cluster.listPods(namespace);
  if (pods.length === 0 && !(await cluster.namespaceExists(namespace))) {
    throw new AppError('k8s_not_found', `namespace "${namespace}" does not exist`, { namespace });
  }
  return detectPods(cluster, namespace, pods);
}

/**
 * Runs the rules over pods already in hand (a scan's list, or a watch event), resolving each
 * incident's workload. Events are listed only when a rule needs them for one of these pods; if
 * that list fails, the rules run without events (a probe kill then shows as a crash loop).
 */
export async function detectPods(cluster: ClusterReader, namespace: string, pods: PodSnapshot[]): Promise<DetectResult> {
  const events = needsEvents(pods) ? await cluster.listEvents(namespace).catch(() => []) : [];
  return { namespace, podsChecked: pods.length, pods, found: await toFoundIncidents(cluster, namespace, detectIncidents(pods, DETECTION_RULES, events), pods) };
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
    const workload = workloads[i]!;
    const fp = fingerprint(detection, workload);
    // Several pods of one workload crash the same way: one incident, the latest crash as its face.
    const current = found.get(fp);
    if (!current || (detection.lastTerminatedAt ?? '') > (current.detection.lastTerminatedAt ?? '')) {
      found.set(fp, { detection, workload, fingerprint: fp, pod });
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
