// Plain-text incident report for the CLI and for logs: everything an SRE needs on one screen.
import type { IncidentReport } from '../model.ts';
import { approvedLimit, recommendedResource } from '../recommend/approved.ts';
import { steeringWarningText } from './steering-warning.ts';
import { warningSignals } from '../signals/signal.ts';

export function renderReportText(r: IncidentReport): string {
  const d = r.detection;
  const dx = r.diagnosis;
  const count = d.kind === 'EvictedMemory' ? 'Evicted' : `${d.reason} x${Math.max(1, d.restartCount)}`;
  const source = dx.source === 'llm' ? `LLM: ${dx.model ?? 'unknown'}` : `rule-based${dx.fallbackReason ? ` (${dx.fallbackReason})` : ''}`;
  const llmSuggested = dx.suggestedLimit ? `   LLM suggested: ${dx.suggestedLimit}` : '';
  const warning = steeringWarningText(r);
  const warnings = warningSignals(r.signals);
  const lines = [
    ...(warning ? [warning] : []),
    `Incident: ${d.pod} (${d.namespace})${d.nodeName ? ` on node ${d.nodeName}` : ''}   [${d.kind}]`,
    `Workload: ${r.workload.kind}/${r.workload.name}`,
    `Container ${d.container} (${d.containerType}): ${count}, restarts ${d.restartCount}, ${recommendedResource(r.recommendation) === 'cpu' ? `CPU limit ${d.cpuLimit ?? 'none'}, request ${d.cpuRequest ?? 'none'}` : `limit ${d.memoryLimit ?? 'none'}, request ${d.memoryRequest ?? 'none'}`}${d.lastTerminatedAt ? `, last at ${d.lastTerminatedAt}` : ''}`,
    `Root causes: ${dx.rootCauses.join('; ') || '(none given)'}`,
    `Explanation: ${dx.explanation}`,
    `Confidence: ${dx.confidence.toFixed(2)} (${source})`,
    ...(dx.evidence.length ? ['Evidence:', ...dx.evidence.map((e) => `  | ${e}`)] : []),
    ...(warnings.length ? ['Signals (Prometheus):', ...warnings.map((s) => `  ! ${s.text}`)] : []),
    `Recommended ${recommendedResource(r.recommendation) === 'cpu' ? 'CPU' : 'memory'}: ${approvedLimit(r) || 'none'} (rule: ${r.recommendation.rule}; ${r.recommendation.basis})${llmSuggested}`,
    `Policy: ${r.verdict.allowed ? 'allowed' : 'denied'} (${r.verdict.policyName}) — ${r.verdict.reasons.join('; ')}`,
    `Approvers: ${r.verdict.approvers.join(', ') || 'none configured'}`,
    'Auto-remediation: DISABLED (a decision is recorded, nothing is changed)',
  ];
  return lines.join('\n');
}
