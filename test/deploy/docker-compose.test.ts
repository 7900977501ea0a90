import { describe, expect, it } from 'vitest';
import { parseYamlDocs } from './repo-files.ts';

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  env_file?: string | string[];
  volumes?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  networks?: string[];
  user?: string;
  read_only?: boolean;
}
interface Compose {
  services: Record<string, Service>;
  networks: Record<string, { external?: boolean; name?: string }>;
  volumes: Record<string, unknown>;
}

const compose = parseYamlDocs('docker-compose.yml')[0] as unknown as Compose;
const { redis, ollama, agent } = compose.services;

describe('docker-compose.yml', () => {
  it('has redis, ollama, a one-shot model pull and the agent', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['agent', 'ollama', 'ollama-pull', 'redis']);
  });

  it('runs Redis 7 with appendonly on a named volume, so the audit trail survives restarts', () => {
    expect(redis!.image).toMatch(/^redis:7/);
    expect(redis!.command?.[redis!.command.indexOf('--appendonly') + 1]).toBe('yes');
    const dataVolume = redis!.volumes?.find((v) => v.endsWith(':/data'))?.split(':')[0];
    expect(dataVolume).toBeDefined();
    expect(compose.volumes).toHaveProperty(dataVolume!);
  });

  it('keeps Ollama models in a named volume and pulls OLLAMA_MODEL (default mistral) once', () => {
    const modelsVolume = ollama!.volumes?.find((v) => v.endsWith(':/root/.ollama'))?.split(':')[0];
    expect(compose.volumes).toHaveProperty(modelsVolume!);
    const pull = compose.services['ollama-pull']!;
    expect(pull.command).toEqual(['pull', '${OLLAMA_MODEL:-mistral}']);
    expect(pull.environment?.OLLAMA_HOST).toBe('http://ollama:11434');
    expect(pull.depends_on?.ollama?.condition).toBe('service_healthy');
  });

  it('builds the agent from the Dockerfile and reads secrets from .env', () => {
    expect(agent!.build).toBe('.');
    expect(agent!.env_file).toBe('.env');
  });

  it('points the agent at the compose services and a read-only kubeconfig', () => {
    expect(agent!.environment).toMatchObject({
      REDIS_URL: 'redis://redis:6379',
      OLLAMA_HOST: 'http://ollama:11434',
      KUBECONFIG: '/kube/config',
    });
    expect(agent!.volumes).toContain('${KUBECONFIG_HOST:-~/.kube/config}:/kube/config:ro');
  });

  it('joins the external kind network to reach the cluster', () => {
    expect(agent!.networks).toContain('kind');
    expect(compose.networks.kind?.external).toBe(true);
  });

  it('starts the agent once Redis and Ollama are healthy, each with a health check', () => {
    expect(agent!.depends_on).toEqual({ redis: { condition: 'service_healthy' }, ollama: { condition: 'service_healthy' } });
    expect(redis!.healthcheck?.test).toEqual(['CMD', 'redis-cli', 'ping']);
    expect(ollama!.healthcheck?.test.length).toBeGreaterThan(1);
  });

  it('runs the agent non-root on a read-only filesystem', () => {
    expect(agent!.user).toBe('${AGENT_UID:-10001}:${AGENT_GID:-10001}');
    expect(agent!.read_only).toBe(true);
  });
});
