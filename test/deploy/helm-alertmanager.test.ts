// The chart's Alertmanager webhook receiver: off by default (no port, no token, nothing rendered);
// on, it opens the port on the pod and the Service, sets ALERTMANAGER_PORT, and takes the token from
// the Secret named, which it refuses to do without.
import { expect, it } from 'vitest';
import { loadConfig } from '../../src/config/env.ts';
import { helm, renderChart, templateArgs } from './chart.ts';
import { findHelm, findObject, type K8sObject } from './repo-files.ts';
import { describeWithTools } from './tool-suites.ts';

const NAME = 'kube-ai-sre-agent';
interface Port { name: string; port?: number; containerPort?: number; targetPort?: string }
type Agent = { ports: Port[]; env?: Array<{ name: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }> };

const agentOf = (objects: K8sObject[]) =>
  (findObject(objects, 'Deployment', NAME) as unknown as { spec: { template: { spec: { containers: Agent[] } } } }).spec.template.spec.containers[0]!;
const servicePorts = (objects: K8sObject[]) => (findObject(objects, 'Service', NAME) as unknown as { spec: { ports: Port[] } }).spec.ports;
const configOf = (objects: K8sObject[]) => (findObject(objects, 'ConfigMap', NAME) as unknown as { data: Record<string, string> }).data;

describeWithTools('Helm chart: the Alertmanager webhook receiver', [findHelm()], () => {
  it('renders nothing of it by default', async () => {
    const objects = await renderChart();
    expect(agentOf(objects).ports.map((p) => p.name)).not.toContain('alertmanager');
    expect(servicePorts(objects).map((p) => p.name)).not.toContain('alertmanager');
    expect(Object.keys(configOf(objects)).filter((k) => k.startsWith('ALERTMANAGER_'))).toEqual([]);
    expect((agentOf(objects).env ?? []).map((e) => e.name)).not.toContain('ALERTMANAGER_TOKEN');
  });

  it('opens its port and takes the token from the Secret when enabled', async () => {
    const objects = await renderChart({ values: ['charts/kube-ai-sre-agent/ci/alertmanager-values.yaml'] });
    const agent = agentOf(objects);
    expect(agent.ports).toContainEqual({ name: 'alertmanager', containerPort: 9095, protocol: 'TCP' });
    expect(servicePorts(objects)).toContainEqual({ name: 'alertmanager', port: 9095, targetPort: 'alertmanager' });
    expect(agent.env).toContainEqual({ name: 'ALERTMANAGER_TOKEN', valueFrom: { secretKeyRef: { name: 'alertmanager-webhook', key: 'ALERTMANAGER_TOKEN' } } });
    const config = loadConfig({ ...configOf(objects), ALERTMANAGER_TOKEN: 'a-token-from-the-secret-0123456789' });
    expect(config).toMatchObject({ ALERTMANAGER_PORT: 9095, ALERTMANAGER_MAX_NEW_INCIDENTS: 20, ALERTMANAGER_CLUSTER_LABEL: 'k8s_cluster' });
  });

  it('refuses to enable it without a Secret for the token', async () => {
    const result = await helm(templateArgs({ set: ['alertmanager.enabled=true'] }));
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('/alertmanager/existingSecret');
  });
});
