// The Helm chart with the real helm: lint, template with the defaults and every documented value
// combination (charts/kube-ai-sre-agent/ci/), the security posture of what it renders, the agent's
// own config and policy loaders over the rendered ConfigMaps, and values.schema.json refusing
// wrong values with a readable message.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { EnvSchema, loadConfig } from '../../src/config/env.ts';
import { loadPolicies } from '../../src/config/policy-files.ts';
import { CHART_DIR, CI_VALUES, NAMESPACE, RELEASE, helm, idOf, renderChart, templateArgs } from './chart.ts';
import { REPO_ROOT, findHelm, findObject, readRepoFile, type K8sObject } from './repo-files.ts';
import { describeWithTools } from './tool-suites.ts';

const READ_VERBS = new Set(['get', 'list', 'watch']);
const COMBINATIONS = ['(defaults)', ...CI_VALUES];
const valuesOf = (combination: string): string[] => (combination === '(defaults)' ? [] : [combination]);

interface Container {
  name: string;
  image: string;
  securityContext?: Record<string, unknown>;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  livenessProbe?: unknown;
  readinessProbe?: unknown;
  envFrom?: Array<{ configMapRef?: { name: string }; secretRef?: { name: string } }>;
  env?: Array<{ name: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }>;
}
interface PodSpec {
  automountServiceAccountToken?: boolean;
  serviceAccountName?: string;
  securityContext?: Record<string, unknown>;
  containers: Container[];
  volumes?: Array<{ name: string; configMap?: { name: string }; persistentVolumeClaim?: { claimName: string } }>;
}
type Deployment = K8sObject & {
  spec: { replicas: number; selector: { matchLabels: Record<string, string> }; template: { metadata: { labels: Record<string, string>; annotations?: Record<string, string> }; spec: PodSpec } };
};
type ConfigMap = K8sObject & { data: Record<string, string> };

const rendered = new Map<string, K8sObject[]>();
const objectsOf = (combination: string): K8sObject[] => rendered.get(combination)!;
const agentOf = (objects: K8sObject[]): Deployment => findObject(objects, 'Deployment', objects.find((o) => o.kind === 'Deployment' && o.metadata.labels?.['app.kubernetes.io/component'] === 'agent')!.metadata.name) as Deployment;

/** What the agent would see as its environment: the ConfigMap, then the Secret (or placeholders for an existing one). */
function agentEnvironment(objects: K8sObject[]): Record<string, string> {
  const agent = agentOf(objects);
  const container = agent.spec.template.spec.containers[0]!;
  const cmName = container.envFrom![0]!.configMapRef!.name;
  const secretName = container.envFrom![1]!.secretRef!.name;
  const cm = findObject(objects, 'ConfigMap', cmName) as ConfigMap;
  const secret = objects.find((o) => o.kind === 'Secret' && o.metadata.name === secretName) as (K8sObject & { data: Record<string, string> }) | undefined;
  const secretEnv = secret
    ? Object.fromEntries(Object.entries(secret.data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]))
    : { SLACK_BOT_TOKEN: 'xoxb-existing', SLACK_APP_TOKEN: 'xapp-existing', SLACK_CHANNEL_ID: 'C0EXISTING' };
  const fromSecretRefs = Object.fromEntries((container.env ?? []).filter((e) => e.valueFrom?.secretKeyRef).map((e) => [e.name, 'redis://:secret@redis.example.svc:6379']));
  return { ...cm.data, ...secretEnv, ...fromSecretRefs };
}

describeWithTools('Helm chart charts/kube-ai-sre-agent', [findHelm()], () => {
  beforeAll(async () => {
    const all = await Promise.all(COMBINATIONS.map((combination) => renderChart({ values: valuesOf(combination) })));
    COMBINATIONS.forEach((combination, i) => rendered.set(combination, all[i]!));
  });

  it('is a v2 chart whose appVersion is the package version', () => {
    const chart = parse(readRepoFile('charts/kube-ai-sre-agent/Chart.yaml')) as { apiVersion: string; name: string; appVersion: string; version: string };
    const pkg = JSON.parse(readRepoFile('package.json')) as { version: string };
    expect(chart).toMatchObject({ apiVersion: 'v2', name: 'kube-ai-sre-agent', appVersion: pkg.version });
    expect(chart.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('documents combinations in ci/: minimal, external Redis, monitoring, cluster-wide', () => {
    expect(CI_VALUES.map((f) => f.replace(/^.*\//, ''))).toEqual(
      expect.arrayContaining(['minimal-values.yaml', 'external-redis-values.yaml', 'monitoring-values.yaml', 'cluster-wide-values.yaml']),
    );
  });

  it.concurrent.for(COMBINATIONS)('helm lint --strict passes with %s', async (combination, { expect }) => {
    const args = ['lint', '--strict', CHART_DIR, ...valuesOf(combination).flatMap((v) => ['--values', join(REPO_ROOT, v)])];
    const result = await helm(args);
    expect(result.stdout + result.stderr).toContain('0 chart(s) failed');
    expect(result.code).toBe(0);
  });

  it.each(COMBINATIONS)('%s: every object is named, labelled and placed in the release namespace', (combination) => {
    const objects = objectsOf(combination);
    expect(objects.length).toBeGreaterThan(5);
    const clusterScoped = new Set(['ClusterRole', 'ClusterRoleBinding']);
    for (const o of objects) {
      expect(o.metadata.name, idOf(o)).toMatch(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/);
      expect(o.metadata.labels?.['app.kubernetes.io/instance'], idOf(o)).toBe(RELEASE);
      expect(o.metadata.labels?.['app.kubernetes.io/managed-by'], idOf(o)).toBe('Helm');
      if (!clusterScoped.has(o.kind)) expect(o.metadata.namespace, idOf(o)).toBe(NAMESPACE);
    }
    expect(new Set(objects.map(idOf)).size).toBe(objects.length);
  });

  it.each(COMBINATIONS)('%s: every pod is non-root with a read-only root, no privilege escalation, no capabilities, probes and limits', (combination) => {
    const deployments = objectsOf(combination).filter((o) => o.kind === 'Deployment') as Deployment[];
    expect(deployments.length).toBeGreaterThan(0);
    for (const d of deployments) {
      const pod = d.spec.template.spec;
      expect(pod.securityContext, idOf(d)).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      for (const c of pod.containers) {
        expect(c.securityContext, `${idOf(d)} ${c.name}`).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
        expect(c.livenessProbe, `${idOf(d)} ${c.name}`).toBeDefined();
        expect(c.readinessProbe, `${idOf(d)} ${c.name}`).toBeDefined();
        expect(c.resources?.limits?.memory, `${idOf(d)} ${c.name}`).toBeTruthy();
        expect(c.resources?.requests?.memory, `${idOf(d)} ${c.name}`).toBeTruthy();
      }
    }
    const agent = agentOf(objectsOf(combination)).spec.template.spec;
    expect(agent.securityContext).toMatchObject({ runAsUser: 10001 });
    expect(agent.automountServiceAccountToken).toBe(true);
    for (const d of deployments.filter((x) => x !== agentOf(objectsOf(combination)))) expect(d.spec.template.spec.automountServiceAccountToken, idOf(d)).toBe(false);
  });

  it.each(COMBINATIONS)('%s: RBAC is read-only (get/list/watch, never Secrets or ConfigMaps) and bound to the agent', (combination) => {
    const objects = objectsOf(combination);
    const roles = objects.filter((o) => o.kind === 'ClusterRole' || o.kind === 'Role') as Array<K8sObject & { rules: Array<{ verbs: string[]; resources: string[] }> }>;
    expect(roles).toHaveLength(1);
    for (const rule of roles[0]!.rules) {
      for (const verb of rule.verbs) expect(READ_VERBS.has(verb), `${verb} on ${rule.resources.join(',')}`).toBe(true);
      expect(rule.resources).not.toContain('secrets');
      expect(rule.resources).not.toContain('configmaps');
      expect(rule.resources.some((r) => r === '*' || r.endsWith('/exec'))).toBe(false);
    }
    const binding = objects.find((o) => o.kind === 'ClusterRoleBinding') as K8sObject & { roleRef: { name: string }; subjects: unknown[] };
    const agent = agentOf(objects);
    expect(binding.roleRef.name).toBe(roles[0]!.metadata.name);
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: agent.spec.template.spec.serviceAccountName, namespace: NAMESPACE }]);
  });

  it.each(COMBINATIONS)('%s: the agent environment sets only variables it reads, and passes its config validation', (combination) => {
    const env = agentEnvironment(objectsOf(combination));
    const known = new Set(Object.keys(EnvSchema.shape));
    expect(Object.keys(env).filter((k) => !known.has(k))).toEqual([]);
    const config = loadConfig(env);
    expect(config.POLICY_DIR).toBe('/app/policies');
    expect(config.HEALTH_PORT).toBe(8080);
  });

  it.each(COMBINATIONS)('%s: the policies ConfigMap, mounted at POLICY_DIR, loads with the agent\'s policy loader', async (combination) => {
    const objects = objectsOf(combination);
    const agent = agentOf(objects).spec.template.spec;
    const volume = agent.volumes!.find((v) => v.name === 'policies')!;
    const cm = findObject(objects, 'ConfigMap', volume.configMap!.name) as ConfigMap;
    const dir = await mkdtemp(join(tmpdir(), 'chart-policies-'));
    try {
      for (const [name, text] of Object.entries(cm.data)) await writeFile(join(dir, name), text);
      const policies = await loadPolicies(dir);
      expect(policies.map((p) => p.metadata.name).sort()).toEqual(Object.keys(cm.data).map((f) => f.replace(/\.yaml$/, '')).sort());
      for (const p of policies) expect(p.spec.autoRemediation).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('defaults: the policies equal the repository\'s policies/, as the agent loads them', async () => {
    const cm = findObject(objectsOf('(defaults)'), 'ConfigMap', 'kube-ai-sre-policies') as ConfigMap;
    const dir = await mkdtemp(join(tmpdir(), 'chart-policies-'));
    try {
      for (const [name, text] of Object.entries(cm.data)) await writeFile(join(dir, name), text);
      expect(await loadPolicies(dir)).toEqual(await loadPolicies(join(REPO_ROOT, 'policies')));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('minimal values: creates the Slack Secret, and the pods roll when config, policies or the Secret change', async () => {
    const objects = objectsOf('charts/kube-ai-sre-agent/ci/minimal-values.yaml');
    const secret = findObject(objects, 'Secret', RELEASE) as K8sObject & { data: Record<string, string> };
    expect(Object.keys(secret.data).sort()).toEqual(['SLACK_APP_TOKEN', 'SLACK_BOT_TOKEN', 'SLACK_CHANNEL_ID']);
    expect(agentOf(objects).spec.template.spec.containers[0]!.envFrom).toEqual([{ configMapRef: { name: RELEASE } }, { secretRef: { name: RELEASE } }]);
    const checksums = (d: Deployment) => Object.entries(d.spec.template.metadata.annotations ?? {}).filter(([k]) => k.startsWith('checksum/'));
    const before = checksums(agentOf(objects));
    expect(before.map(([k]) => k).sort()).toEqual(['checksum/config', 'checksum/policies', 'checksum/secret']);
    const changes = ['policies.default.maxMemoryLimit=8Gi', 'ollama.model=llama3.1', 'slack.channelId=C0999999999'];
    const after = await Promise.all(changes.map((set) => renderChart({ values: ['charts/kube-ai-sre-agent/ci/minimal-values.yaml'], set: [set] })));
    changes.forEach((set, i) => expect(checksums(agentOf(after[i]!)), set).not.toEqual(before));
  });

  it('defaults: no Secret is rendered; the agent reads the one created beforehand, named like manifests/', () => {
    const objects = objectsOf('(defaults)');
    expect(objects.some((o) => o.kind === 'Secret')).toBe(false);
    expect(agentOf(objects).spec.template.spec.containers[0]!.envFrom![1]).toEqual({ secretRef: { name: 'kube-ai-sre-agent' } });
  });

  it('external Redis from a Secret: no bundled Redis, REDIS_URL from the Secret\'s key', () => {
    const objects = objectsOf('charts/kube-ai-sre-agent/ci/external-redis-values.yaml');
    expect(objects.filter((o) => o.metadata.labels?.['app.kubernetes.io/component'] === 'redis')).toEqual([]);
    const container = agentOf(objects).spec.template.spec.containers[0]!;
    expect(container.env).toEqual([{ name: 'REDIS_URL', valueFrom: { secretKeyRef: { name: 'redis-credentials', key: 'url' } } }]);
    expect(container.envFrom![1]).toEqual({ secretRef: { name: 'slack-credentials' } });
    expect((findObject(objects, 'ConfigMap', RELEASE) as ConfigMap).data).not.toHaveProperty('REDIS_URL');
  });

  it('Redis Sentinel: the agent is given the sentinels and the master name, its passwords from a Secret of their own', () => {
    const objects = objectsOf('charts/kube-ai-sre-agent/ci/sentinel-redis-values.yaml');
    expect(objects.filter((o) => o.metadata.labels?.['app.kubernetes.io/component'] === 'redis')).toEqual([]);
    const container = agentOf(objects).spec.template.spec.containers[0]!;
    expect(container.envFrom![2]).toEqual({ secretRef: { name: 'redis-sentinel-passwords' } });
    const data = (findObject(objects, 'ConfigMap', RELEASE) as ConfigMap).data;
    expect(data).not.toHaveProperty('REDIS_URL');
    const config = loadConfig(agentEnvironment(objects));
    expect(config.REDIS_SENTINELS).toEqual([0, 1, 2].map((i) => ({ host: `redis-node-${i}.redis-headless.redis.svc`, port: 26379 })));
    expect(config).toMatchObject({ REDIS_SENTINEL_MASTER: 'mymaster', REDIS_SENTINEL_TLS: false, AUDIT_REPLICA_WAIT_MS: 1000 });
  });

  it('bundled Redis: append-only on a kept PersistentVolumeClaim, reachable by the agent only', () => {
    const objects = objectsOf('(defaults)');
    const redis = findObject(objects, 'Deployment', 'kube-ai-sre-redis') as Deployment & { spec: { strategy: { type: string } } };
    const container = redis.spec.template.spec.containers[0] as Container & { args: string[] };
    expect(container.args.slice(0, 2)).toEqual(['--appendonly', 'yes']);
    expect(redis.spec.strategy.type).toBe('Recreate');
    const pvc = findObject(objects, 'PersistentVolumeClaim', 'kube-ai-sre-redis') as K8sObject & { metadata: { annotations: Record<string, string> } };
    expect(pvc.metadata.annotations['helm.sh/resource-policy']).toBe('keep');
    expect(redis.spec.template.spec.volumes).toEqual([{ name: 'data', persistentVolumeClaim: { claimName: 'kube-ai-sre-redis' } }]);
    const np = findObject(objects, 'NetworkPolicy', 'kube-ai-sre-redis') as K8sObject & {
      spec: { podSelector: { matchLabels: Record<string, string> }; ingress: Array<{ from: Array<{ podSelector: { matchLabels: Record<string, string> } }> }> };
    };
    expect(redis.spec.template.metadata.labels).toMatchObject(np.spec.podSelector.matchLabels);
    expect(agentOf(objects).spec.template.metadata.labels).toMatchObject(np.spec.ingress[0]!.from[0]!.podSelector.matchLabels);
    const url = new URL((findObject(objects, 'ConfigMap', RELEASE) as ConfigMap).data.REDIS_URL!);
    expect(url.hostname).toBe(`kube-ai-sre-redis.${NAMESPACE}.svc`);
  });

  it('another release name: companion objects follow it, and every selector still meets its target', async () => {
    const objects = await renderChart({ release: 'team-a', namespace: 'sre', values: ['charts/kube-ai-sre-agent/ci/monitoring-values.yaml'], set: ['redis.enabled=true', 'redis.external.url='] });
    const ids = objects.map(idOf);
    expect(ids).toEqual(expect.arrayContaining([
      'Deployment/team-a-kube-ai-sre-agent', 'ConfigMap/team-a-kube-ai-sre-policies', 'Deployment/team-a-kube-ai-sre-redis', 'ClusterRole/team-a-kube-ai-sre-agent-read',
      'ServiceMonitor/team-a-kube-ai-sre-agent', 'PrometheusRule/team-a-kube-ai-sre-agent', 'ConfigMap/team-a-kube-ai-sre-agent-dashboard',
    ]));
    const agent = findObject(objects, 'Deployment', 'team-a-kube-ai-sre-agent') as Deployment;
    const podLabels = agent.spec.template.metadata.labels;
    expect(podLabels).toMatchObject(agent.spec.selector.matchLabels);
    const svc = findObject(objects, 'Service', 'team-a-kube-ai-sre-agent') as K8sObject & { spec: { selector: Record<string, string> } };
    expect(podLabels).toMatchObject(svc.spec.selector);
    const sm = findObject(objects, 'ServiceMonitor', 'team-a-kube-ai-sre-agent') as K8sObject & { spec: { selector: { matchLabels: Record<string, string> }; namespaceSelector: { matchNames: string[] } } };
    expect(svc.metadata.labels).toMatchObject(sm.spec.selector.matchLabels);
    expect(sm.spec.namespaceSelector.matchNames).toEqual(['sre']);
    const cm = findObject(objects, 'ConfigMap', 'team-a-kube-ai-sre-agent') as ConfigMap;
    expect(cm.data.REDIS_URL).toBe('redis://team-a-kube-ai-sre-redis.sre.svc:6379');
    // Selectors carry the instance, so two releases in one namespace never select each other's pods.
    expect(agent.spec.selector.matchLabels['app.kubernetes.io/instance']).toBe('team-a');
  });

  it('monitoring values: ServiceMonitor, PrometheusRule and dashboard ConfigMap carry the selection labels', () => {
    const objects = objectsOf('charts/kube-ai-sre-agent/ci/monitoring-values.yaml');
    expect(findObject(objects, 'ServiceMonitor', RELEASE).metadata.labels).toMatchObject({ release: 'kube-prometheus-stack' });
    expect(findObject(objects, 'PrometheusRule', RELEASE).metadata.labels).toMatchObject({ release: 'kube-prometheus-stack' });
    const dashboard = findObject(objects, 'ConfigMap', `${RELEASE}-dashboard`) as ConfigMap & { metadata: { annotations: Record<string, string> } };
    expect(dashboard.metadata.labels).toMatchObject({ grafana_dashboard: '1' });
    expect(dashboard.metadata.annotations).toEqual({ grafana_folder: 'SRE' });
    expect(JSON.parse(dashboard.data['kube-ai-sre-agent.json']!)).toEqual(JSON.parse(readRepoFile('charts/kube-ai-sre-agent/dashboards/kube-ai-sre-agent.json')));
  });

  it('the monitoring values point the agent at Prometheus; the defaults leave its signals off', () => {
    expect(loadConfig(agentEnvironment(objectsOf('charts/kube-ai-sre-agent/ci/monitoring-values.yaml'))).PROMETHEUS_URL)
      .toBe('http://kube-prometheus-stack-prometheus.monitoring.svc:9090');
    expect(agentEnvironment(objectsOf('charts/kube-ai-sre-agent/ci/minimal-values.yaml')).PROMETHEUS_URL).toBeUndefined();
  });

  it('names the cluster from clusterName, refuses a name the agent would refuse, and leaves it unset by default', async () => {
    expect(loadConfig(agentEnvironment(await renderChart({ set: ['clusterName=prod-eu'] }))).CLUSTER_NAME).toBe('prod-eu');
    expect(agentEnvironment(objectsOf('charts/kube-ai-sre-agent/ci/minimal-values.yaml')).CLUSTER_NAME).toBeUndefined();
    await expect(renderChart({ set: ['clusterName=prod eu'] })).rejects.toThrow(/clusterName/);
  });

  it('the README\'s install command renders a valid agent configuration', async () => {
    const objects = await renderChart({ set: ['ollama.host=http://ollama.ollama.svc:11434', 'scan.namespaces={demo,shop}', 'policies.default.approvers={U0123ABCD}'] });
    expect(loadConfig(agentEnvironment(objects)).SCAN_NAMESPACES).toEqual(['demo', 'shop']);
    const policies = findObject(objects, 'ConfigMap', 'kube-ai-sre-policies') as ConfigMap;
    expect(parse(policies.data['default.yaml']!)).toMatchObject({ spec: { approvers: ['U0123ABCD'], autoRemediation: false } });
  });

  it('the cluster-wide values scan every namespace, in Slack HTTP mode, and pass optional settings through', () => {
    const objects = objectsOf('charts/kube-ai-sre-agent/ci/cluster-wide-values.yaml');
    const env = agentEnvironment(objects);
    const config = loadConfig(env);
    expect(config.SCAN_NAMESPACES).toEqual([]);
    expect(config.SLACK_APP_TOKEN).toBeUndefined();
    expect(config.SLACK_SIGNING_SECRET).toBe('placeholder-signing-secret');
    expect(config).toMatchObject({ LLM_ENABLED: false, FORECAST_HORIZON_MINUTES: 0, LOG_TAIL_LINES: 500, LOG_LIMIT_BYTES: 1048576, SCAN_INTERVAL_SECONDS: 300 });
    expect(config.SLACK_API_URL).toBe('https://slack-proxy.example.internal/api/');
    const policies = findObject(objects, 'ConfigMap', 'kube-ai-sre-policies') as ConfigMap;
    expect(Object.keys(policies.data).sort()).toEqual(['default.yaml', 'production.yaml']);
  });

  describeWrongValues();
});

/** values.schema.json and the chart's own checks: each wrong value fails with a message naming it. */
function describeWrongValues(): void {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'chart-bad-values-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const cases: Array<[string, string, RegExp]> = [
    ['a wrong type', 'replicaCount: two', /at '\/replicaCount': got string, want integer/],
    ['an unknown top-level key', 'replicas: 2', /additional properties 'replicas' not allowed/],
    ['a misspelt nested key', 'slack:\n  botTokn: xoxb-1', /at '\/slack': additional properties 'botTokn' not allowed/],
    ['autoRemediation: true', 'policies:\n  default:\n    autoRemediation: true', /at '\/policies\/default\/autoRemediation': value must be false/],
    ['an approver that is not a Slack user ID', 'policies:\n  default:\n    approvers: [alice]', /at '\/policies\/default\/approvers\/0': '.*' does not match pattern/],
    ['a policy without namespaces', 'policies:\n  prod:\n    maxMemoryLimit: 8Gi', /at '\/policies\/prod': missing property 'namespaces'/],
    ['a memory limit that is not a quantity', 'resources:\n  limits:\n    memory: lots', /at '\/resources\/limits\/memory'/],
    ['an unknown log level', 'logLevel: verbose', /at '\/logLevel': value must be one of/],
    ['a user token as the bot token', 'slack:\n  createSecret: true\n  botToken: xoxp-123\n  appToken: xapp-1\n  channelId: C0123', /at '\/slack\/botToken': 'xoxp-123' does not match pattern/],
    ['a securityContext the chart does not let you weaken', 'securityContext:\n  runAsUser: 0', /additional properties 'securityContext' not allowed/],
    ['no Redis at all', 'redis:\n  enabled: false', /redis\.enabled=false needs redis\.external\.url .* or redis\.external\.existingSecret/],
    ['sentinels without a master name', 'redis:\n  enabled: false\n  sentinel:\n    hosts: [s-0:26379]', /redis\.sentinel\.hosts needs redis\.sentinel\.masterName/],
    ['Sentinel with the bundled Redis', 'redis:\n  sentinel:\n    hosts: [s-0:26379]\n    masterName: mymaster', /redis\.sentinel is for an external Redis with Sentinel; set redis\.enabled=false/],
    ['a sentinel without a port', 'redis:\n  enabled: false\n  sentinel:\n    hosts: [sentinel-0]\n    masterName: mymaster', /at '\/redis\/sentinel\/hosts\/0': 'sentinel-0' does not match pattern/],
    ['a replica wait over the command timeout', 'redis:\n  auditReplicaWaitMs: 10000', /at '\/redis\/auditReplicaWaitMs': maximum: got 10,000, want 4,000/],
    ['a created Secret without a bot token', 'slack:\n  createSecret: true\n  appToken: xapp-1\n  channelId: C0123', /slack\.createSecret=true needs slack\.botToken/],
    ['Slack tokens without createSecret', 'slack:\n  botToken: xoxb-1', /used only with slack\.createSecret=true/],
    ['extraConfig overriding a chart value', 'extraConfig:\n  OLLAMA_MODEL: llama3', /extraConfig\.OLLAMA_MODEL: the chart sets OLLAMA_MODEL from its own value/],
    ['extraConfig with a non-variable name', 'extraConfig:\n  ollama-model: llama3', /at '\/extraConfig': additional properties 'ollama-model' not allowed/],
  ];

  it.concurrent.for(cases)('refuses %s with a message naming the value', async ([_what, yaml, message], { expect }) => {
    const file = join(dir, `${Math.random().toString(36).slice(2)}.yaml`);
    await writeFile(file, `${yaml}\n`);
    const result = await helm([...templateArgs(), '--values', file]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
  });
}

describe('README "Install with Helm"', () => {
  const readme = readRepoFile('README.md');
  const section = readme.slice(readme.indexOf('## Install with Helm'), readme.indexOf('\n## ', readme.indexOf('## Install with Helm') + 1));
  /** Maps whose entries are the user's own (labels, policies by name...): documented as one row. */
  const WHOLE = new Set(['resources', 'policies', 'labels', 'annotations', 'nodeSelector', 'affinity', 'podAnnotations', 'podLabels', 'extraConfig', 'alertLabels']);

  function valuePaths(values: Record<string, unknown>, prefix = ''): string[] {
    return Object.entries(values).flatMap(([key, value]) => {
      const path = prefix ? `${prefix}.${key}` : key;
      const nested = typeof value === 'object' && value !== null && !Array.isArray(value) && !WHOLE.has(key) && Object.keys(value).length > 0;
      return nested ? valuePaths(value as Record<string, unknown>, path) : [path];
    });
  }

  it('comes before the kustomize way in the deployment docs', () => {
    expect(section.length).toBeGreaterThan(0);
    expect(readme.indexOf('## Install with Helm')).toBeLessThan(readme.indexOf('## In-cluster deployment'));
  });

  it('has a row for every value in values.yaml', () => {
    const documented = new Set(
      section.split('\n').filter((l) => l.startsWith('| `')).flatMap((l) => [...l.split('|')[1]!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!)),
    );
    const values = parse(readRepoFile('charts/kube-ai-sre-agent/values.yaml')) as Record<string, unknown>;
    expect(valuePaths(values).filter((p) => !documented.has(p))).toEqual([]);
    expect([...documented].filter((d) => /^[a-z][A-Za-z.]*$/.test(d) && !d.startsWith('KubeAiSre')).filter((d) => !valuePaths(values).includes(d))).toEqual([]);
  });

  it('lists every alert of the chart', () => {
    const alerts = [...readRepoFile('charts/kube-ai-sre-agent/templates/prometheusrule.yaml').matchAll(/- alert: (\w+)/g)].map((m) => m[1]!);
    expect(alerts.length).toBeGreaterThan(5);
    for (const alert of alerts) expect(section, alert).toContain(`| \`${alert}\``);
  });
});
