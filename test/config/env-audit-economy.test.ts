import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/env.ts';
import { clusterName } from '../../src/app/audit-wiring.ts';

describe('audit and model economy settings', () => {
  it('defaults: daily checkpoints to the incident channel, the model kept loaded for a day', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ AUDIT_CHECKPOINT_MINUTES: 1440, OLLAMA_KEEP_ALIVE: '24h' });
    expect(c.AUDIT_CHANNEL_ID).toBeUndefined();
    expect(c.CLUSTER_NAME).toBeUndefined();
  });

  it.each(['24h', '30m', '90s', '1h30m', '500ms', '-1', '0'])('accepts OLLAMA_KEEP_ALIVE=%s', (v) => {
    expect(loadConfig({ OLLAMA_KEEP_ALIVE: v }).OLLAMA_KEEP_ALIVE).toBe(v);
  });

  it('lists every bad setting at once', () => {
    expect(() => loadConfig({ OLLAMA_KEEP_ALIVE: 'forever', AUDIT_CHANNEL_ID: '#sre-audit', AUDIT_CHECKPOINT_MINUTES: '-5', CLUSTER_NAME: 'prod eu' })).toThrow(
      /OLLAMA_KEEP_ALIVE[\s\S]*CLUSTER_NAME|CLUSTER_NAME[\s\S]*OLLAMA_KEEP_ALIVE/,
    );
    try {
      loadConfig({ OLLAMA_KEEP_ALIVE: 'forever', AUDIT_CHANNEL_ID: '#sre-audit', AUDIT_CHECKPOINT_MINUTES: '-5', CLUSTER_NAME: 'prod eu' });
    } catch (err) {
      const problems = (err as { details?: { problems?: string[] } }).details?.problems ?? [];
      expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['AUDIT_CHANNEL_ID', 'AUDIT_CHECKPOINT_MINUTES', 'CLUSTER_NAME', 'OLLAMA_KEEP_ALIVE']);
    }
  });

  it('names the cluster from CLUSTER_NAME, else the kubeconfig, never "inCluster"', () => {
    const kc = (name: string) => ({ getCurrentCluster: () => ({ name }) });
    expect(clusterName({ CLUSTER_NAME: 'prod-eu' }, kc('kind-kind'))).toBe('prod-eu');
    expect(clusterName({}, kc('kind-kind'))).toBe('kind-kind');
    expect(clusterName({}, kc('inCluster'))).toBeUndefined();
    expect(clusterName({}, undefined)).toBeUndefined();
  });
});
