// Reports that never collide: each has its own id, fingerprint, workload and pod, so tests that
// share one store prefix do not see each other's incidents.
import type { IncidentReport } from '../../src/core/model.ts';
import { incidentReport } from '../fixtures/incidents/report.ts';

let seq = 0;

export function freshIncident(overrides: Partial<IncidentReport> = {}): IncidentReport {
  seq += 1;
  const base = incidentReport();
  return incidentReport({
    id: `inc-${seq}-${Math.random().toString(36).slice(2, 8)}`,
    fingerprint: `demo/Deployment/checkout-${seq}/app/OOMKilled`,
    workload: { kind: 'Deployment', name: `checkout-${seq}` },
    detection: { ...base.detection, pod: `checkout-${seq}-6d8f7b9c5-x2klp` },
    ...overrides,
  });
}
