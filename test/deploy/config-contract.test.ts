// The deployment files and the agent's config schema must agree: every variable they set is one
// the agent reads, and what they set passes validation.
import { describe, expect, it } from 'vitest';
import { parseEnv } from 'node:util';
import { EnvSchema, loadConfig } from '../../src/config/env.ts';
import { findObject, k8sObjects, parseYamlDocs, readRepoFile } from './repo-files.ts';

const known = new Set(Object.keys(EnvSchema.shape));
// Read by docker compose itself (interpolation), not by the agent.
const COMPOSE_ONLY = new Set(['KUBECONFIG_HOST', 'KIND_NETWORK', 'AGENT_UID', 'AGENT_GID']);

const configMap = findObject(k8sObjects('manifests/agent/configmap.yaml'), 'ConfigMap', 'kube-ai-sre-agent') as unknown as {
  data: Record<string, string>;
};
const secret = findObject(k8sObjects('manifests/agent/secret.example.yaml'), 'Secret', 'kube-ai-sre-agent') as unknown as {
  stringData: Record<string, string>;
};
const dotenv = parseEnv(readRepoFile('.env.example'));
const compose = parseYamlDocs('docker-compose.yml')[0] as { services: { agent: { environment: Record<string, string> } } };

describe('configuration contract', () => {
  it.each([
    ['manifests/agent/configmap.yaml', Object.keys(configMap.data)],
    ['manifests/agent/secret.example.yaml', Object.keys(secret.stringData)],
    ['.env.example', Object.keys(dotenv).filter((k) => !COMPOSE_ONLY.has(k))],
    ['docker-compose.yml agent.environment', Object.keys(compose.services.agent.environment)],
  ])('%s sets only variables the agent reads', (_file, keys) => {
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.filter((k) => !known.has(k))).toEqual([]);
  });

  it('the cluster environment (ConfigMap, then Secret) is valid', () => {
    const config = loadConfig({ ...configMap.data, ...secret.stringData });
    expect(config.HEALTH_PORT).toBe(8080);
    expect(config.POLICY_DIR).toBe('/app/policies');
    expect(config.SCAN_NAMESPACES).toEqual(['demo']);
  });

  it('the compose environment (.env, then compose overrides) is valid', () => {
    const config = loadConfig({ ...dotenv, ...compose.services.agent.environment, OLLAMA_MODEL: 'mistral' });
    expect(config.REDIS_URL).toBe('redis://redis:6379');
    expect(config.KUBECONFIG).toBe('/kube/config');
  });

  it('keeps Slack secrets out of the ConfigMap and the compose file', () => {
    const secretKeys = ['SLACK_BOT_TOKEN', 'SLACK_APP_TOKEN', 'SLACK_SIGNING_SECRET'];
    for (const key of secretKeys) {
      expect(configMap.data).not.toHaveProperty(key);
      expect(compose.services.agent.environment).not.toHaveProperty(key);
      expect(secret.stringData).toHaveProperty(key);
      expect(dotenv).toHaveProperty(key);
    }
  });
});
