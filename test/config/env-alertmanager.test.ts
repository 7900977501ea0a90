// The Alertmanager webhook settings: off without a token, a token that is a real secret, a port of
// its own, and bounds on the body and on what one notification may open.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/env.ts';
import { problemsOf } from './config-problems.ts';


describe('Alertmanager settings', () => {
  it('are off and defaulted when unset', () => {
    const c = loadConfig({ ALERTMANAGER_TOKEN: '' });
    expect(c.ALERTMANAGER_TOKEN).toBeUndefined();
    expect(c).toMatchObject({ ALERTMANAGER_PORT: 9095, ALERTMANAGER_MAX_BODY_BYTES: 1024 * 1024, ALERTMANAGER_MAX_NEW_INCIDENTS: 10, ALERTMANAGER_CLUSTER_LABEL: 'cluster' });
  });

  it('take a token and bounds in range', () => {
    const c = loadConfig({ ALERTMANAGER_TOKEN: '3f9a0c1d2b4e5f60a1b2c3d4e5f60718', ALERTMANAGER_PORT: '9443', ALERTMANAGER_MAX_BODY_BYTES: '4194304', ALERTMANAGER_MAX_NEW_INCIDENTS: '25', ALERTMANAGER_CLUSTER_LABEL: 'k8s_cluster' });
    expect(c).toMatchObject({ ALERTMANAGER_PORT: 9443, ALERTMANAGER_MAX_BODY_BYTES: 4194304, ALERTMANAGER_MAX_NEW_INCIDENTS: 25, ALERTMANAGER_CLUSTER_LABEL: 'k8s_cluster' });
  });

  it.each([
    [{ ALERTMANAGER_TOKEN: 'short' }, 'ALERTMANAGER_TOKEN: at least 16 characters (e.g. openssl rand -hex 32)'],
    [{ ALERTMANAGER_TOKEN: 'has a space in it 0123456789' }, 'ALERTMANAGER_TOKEN: no whitespace'],
    [{ ALERTMANAGER_TOKEN: '0123456789abcdef0123', ALERTMANAGER_PORT: '8080' }, 'ALERTMANAGER_PORT: must differ from PORT and HEALTH_PORT (the webhook receiver has its own port)'],
    [{ ALERTMANAGER_TOKEN: '0123456789abcdef0123', PORT: '9095' }, 'ALERTMANAGER_PORT: must differ from PORT and HEALTH_PORT (the webhook receiver has its own port)'],
    [{ ALERTMANAGER_MAX_NEW_INCIDENTS: '0' }, 'ALERTMANAGER_MAX_NEW_INCIDENTS: '],
    [{ ALERTMANAGER_MAX_BODY_BYTES: '100' }, 'ALERTMANAGER_MAX_BODY_BYTES: '],
    [{ ALERTMANAGER_CLUSTER_LABEL: 'k8s-cluster' }, 'ALERTMANAGER_CLUSTER_LABEL: must be a Prometheus label name (letters, digits, _)'],
  ])('refuses %o, naming the variable', (env, problem) => {
    expect(problemsOf(env).some((p) => p.startsWith(problem))).toBe(true);
  });

  it('lets the port equal another only while the receiver is off (nothing listens on it then)', () => {
    expect(loadConfig({ ALERTMANAGER_PORT: '8080' }).ALERTMANAGER_PORT).toBe(8080);
  });
});
