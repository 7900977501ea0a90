// `/sre history <workload>`: the store indexes history by namespace + kind + name, so a partly
// typed workload is completed from what is known — the active incidents name the namespaces and
// kinds in play; a missing kind is searched across the usual workload kinds.
import { WORKLOAD_KINDS, type WorkloadQuery } from '../core/commands/parse-command.ts';
import type { WorkloadHistoryEntry } from '../core/render/command-replies.ts';
import type { IncidentHistoryIndex, IncidentRecords } from '../ports.ts';

export type WorkloadHistoryResult =
  | { ok: true; entries: WorkloadHistoryEntry[] }
  /** No namespace was typed and no active incident names one for this workload. */
  | { ok: false; reason: 'namespace_needed' };

export async function workloadHistory(store: IncidentRecords & IncidentHistoryIndex, query: WorkloadQuery, limit = 10): Promise<WorkloadHistoryResult> {
  const namespaces = new Set<string>(query.namespace ? [query.namespace] : []);
  const kinds = new Set<string>(query.kind ? [query.kind] : WORKLOAD_KINDS);
  if (!query.namespace || !query.kind) {
    for (const r of await store.listOpen()) {
      if (r.workload.name !== query.name) continue;
      if (query.kind && r.workload.kind !== query.kind) continue;
      if (query.namespace && r.detection.namespace !== query.namespace) continue;
      namespaces.add(r.detection.namespace);
      kinds.add(r.workload.kind);
    }
  }
  if (namespaces.size === 0) return { ok: false, reason: 'namespace_needed' };

  const entries: WorkloadHistoryEntry[] = [];
  for (const namespace of [...namespaces].sort()) {
    for (const kind of kinds) {
      const workload = { kind, name: query.name };
      const history = await store.history({ namespace, workload }, limit);
      if (history.count > 0) entries.push({ namespace, workload, history });
    }
  }
  return { ok: true, entries };
}
