// Lists a namespace's pods once and runs the pure detection rules over them. Cheap: no logs,
// no LLM; the expensive part (analyze-incident) runs only for new or changed incidents.
import { detectIncidents } from '../core/detection/registry.ts';
import { fingerprint } from '../core/detection/fingerprint.ts';
import type { FoundIncident } from '../core/model.ts';
import type { ClusterReader } from '../ports.ts';
import { AppError } from '../core/errors.ts';

export type { FoundIncident };

export interface DetectResult {
  namespace: string;
  podsChecked: number;
  found: FoundIncident[];
}

export async function detectNamespace(cluster: ClusterReader, namespace: string): Promise<DetectResult> {
  const pods = await cluster.listPods(namespace);
  if (pods.length === 0 && !(await cluster.namespaceExists(namespace))) {
    throw new AppError('k8s_not_found', `namespace "${namespace}" does not exist`, { namespace });
  }
  const byName = new Map(pods.map((p) => [p.name, p]));
  const found: FoundIncident[] = [];
  const seen = new Set<string>();
  for (const detection of detectIncidents(pods)) {
    const pod = byName.get(detection.pod);
    if (!pod) continue;
    const workload = await cluster.resolveWorkload(namespace, detection.owner, detection.pod);
    const fp = fingerprint(detection, workload);
    // Several pods of one workload crash the same way: one incident, the most recent pod as its face.
    if (seen.has(fp)) {
      const i = found.findIndex((f) => f.fingerprint === fp);
      const current = found[i];
      if (current && (detection.lastTerminatedAt ?? '') > (current.detection.lastTerminatedAt ?? '')) {
        found[i] = { detection, workload, fingerprint: fp, pod };
      }
      continue;
    }
    seen.add(fp);
    found.push({ detection, workload, fingerprint: fp, pod });
  }
  return { namespace, podsChecked: pods.length, found };
}
