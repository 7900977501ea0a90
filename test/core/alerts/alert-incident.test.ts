// An alert the rules do not flag as an incident of its own: its kind, what it names, and its
// labels and annotations as facts, cleaned, redacted and within budget.
import { describe, expect, it } from 'vitest';
import { ALERT_FACT_LIMITS, alertIncident, alertReason, CLUSTER_SCOPE } from '../../../src/core/alerts/alert-incident.ts';
import { alertFingerprint } from '../../../src/core/alerts/alert-identity.ts';
import { FoundIncidentSchema, type PodSnapshot } from '../../../src/core/model.ts';
import { webhookAlert } from '../../fixtures/alertmanager/webhook.ts';

const runningPod: PodSnapshot = {
  namespace: 'shop', name: 'api-7d9f8b6c4-x2x9z', phase: 'Running', nodeName: 'worker-1', labels: { app: 'api' },
  ownerReferences: [{ kind: 'ReplicaSet', name: 'api-7d9f8b6c4', controller: true }],
  containers: [{ name: 'app', type: 'app', ready: true, restartCount: 2, memoryLimit: '256Mi', memoryRequest: '128Mi', state: { kind: 'running' } }],
};

describe('alertIncident', () => {
  it('makes a memory alert about a running pod an incident of that pod, with the pod\'s limits', () => {
    const found = alertIncident({ alert: webhookAlert({ labels: { alertname: 'ContainerMemoryNearLimit', reason: '' } }), pod: runningPod, workload: { kind: 'Deployment', name: 'api' } });
    expect(FoundIncidentSchema.parse(found)).toEqual(found);
    expect(found.detection).toMatchObject({
      kind: 'MemoryAlert', namespace: 'shop', pod: 'api-7d9f8b6c4-x2x9z', container: 'app', nodeName: 'worker-1',
      restartCount: 2, memoryLimit: '256Mi', memoryRequest: '128Mi', lastTerminatedAt: '2026-11-29T03:40:12.345Z',
    });
    expect(found.workload).toEqual({ kind: 'Deployment', name: 'api' });
    expect(found.pod).toBe(runningPod);
  });

  it('fingerprints from the alert alone, whatever the cluster said about the pod', () => {
    const alert = webhookAlert();
    expect(alertIncident({ alert, pod: runningPod, workload: { kind: 'Deployment', name: 'api' } }).fingerprint).toBe(alertFingerprint(alert.labels));
    expect(alertIncident({ alert }).fingerprint).toBe(alertFingerprint(alert.labels));
  });

  it('makes a node alert a node incident in the cluster scope, about no pod', () => {
    const found = alertIncident({ alert: webhookAlert({ labels: { alertname: 'KubeNodeNotReady', node: 'worker-2', namespace: '', pod: '', container: '', reason: '' } }) });
    expect(found.detection).toMatchObject({ kind: 'NodeAlert', namespace: CLUSTER_SCOPE, pod: '', container: '', nodeName: 'worker-2' });
    expect(found.workload).toEqual({ kind: 'Node', name: 'worker-2' });
    expect(found.pod).toMatchObject({ name: '', namespace: CLUSTER_SCOPE, containers: [] });
  });

  it('names the alert itself when it is about nothing in the cluster', () => {
    const found = alertIncident({ alert: webhookAlert({ labels: { alertname: 'KubeClientCertificateExpiration', namespace: '', pod: '', container: '', reason: '' } }) });
    expect(found.workload).toEqual({ kind: 'Alert', name: 'KubeClientCertificateExpiration' });
    expect(found.detection.kind).toBe('ConfigAlert');
  });

  it('keeps the annotations people wrote first, then the labels, one fact each', () => {
    const facts = alertIncident({ alert: webhookAlert() }).detection.facts;
    expect(facts[0]).toBe('alert KubeContainerOOMKilled firing since 2026-11-29T03:40:12.345Z');
    expect(facts[1]).toBe('annotation summary: Kubernetes container oom killed.');
    expect(facts[2]).toMatch(/^annotation description: Container app in pod shop/);
    expect(facts).toContain('label severity=warning');
    expect(facts.some((f) => f.startsWith('label alertname'))).toBe(false);
  });

  it('says what the alert reports in one line', () => {
    expect(alertReason(webhookAlert())).toBe('KubeContainerOOMKilled: Kubernetes container oom killed.');
    expect(alertReason(webhookAlert({ annotations: { summary: '', description: '', message: '' } }))).toBe('KubeContainerOOMKilled');
  });

  it('redacts secrets and removes control and bidi characters from labels and annotations', () => {
    const found = alertIncident({ alert: webhookAlert({
      labels: { dsn: 'postgres://app:hunter2@db:5432/shop' },
      annotations: { description: 'token=ghp_0123456789abcdefghijABCDEFGHIJ0123456789\u001b[31m red\u202e evil\r\nline two' },
    }) });
    const text = found.detection.facts.join('\n');
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('ghp_0123456789');
    expect(text).toContain('[REDACTED:');
    // eslint-disable-next-line no-control-regex -- proving control characters are gone
    for (const fact of found.detection.facts) expect(fact).not.toMatch(/[\u0000-\u001f\u202e]/);
  });

  it('keeps facts within their budget however many and however long the labels are', () => {
    const labels = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`label_${String(i).padStart(3, '0')}`, 'x'.repeat(5000)]));
    const found = alertIncident({ alert: webhookAlert({ labels, annotations: { summary: 'y'.repeat(100_000) } }) });
    const { facts, reason } = found.detection;
    expect(facts.length).toBeLessThanOrEqual(ALERT_FACT_LIMITS.facts);
    expect(facts.every((f) => f.length <= ALERT_FACT_LIMITS.factChars)).toBe(true);
    expect(facts.join('').length).toBeLessThanOrEqual(ALERT_FACT_LIMITS.totalChars + 100);
    expect(facts.at(-1)).toMatch(/^… \d+ more labels and annotations not kept$/);
    expect(reason.length).toBeLessThanOrEqual(ALERT_FACT_LIMITS.reasonChars);
  });
});
