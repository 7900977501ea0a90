// One incident per alert: the fingerprint holds across what changes while the trouble stays the
// same (the scraping replica, kube-state-metrics' own address), and never merges two alerts
// Alertmanager keeps apart at once.
import { describe, expect, it } from 'vitest';
import { alertFingerprint, alertIdentityKey } from '../../../src/core/alerts/alert-identity.ts';
import { webhookAlert } from '../../fixtures/alertmanager/webhook.ts';

const labels = webhookAlert().labels;

describe('alertFingerprint', () => {
  it('is stable, label order aside, and looks like the other fingerprints', () => {
    const reversed = Object.fromEntries(Object.entries(labels).reverse());
    expect(alertFingerprint(reversed)).toBe(alertFingerprint(labels));
    expect(alertFingerprint(labels)).toMatch(/^alert-[0-9a-f]{16}$/);
  });

  it.each([
    ['kube-state-metrics restarted elsewhere (instance, endpoint)', { instance: '10.244.3.9:8080', endpoint: 'https-main' }],
    ['scraped by the other Prometheus replica', { prometheus_replica: 'prometheus-k8s-1' }],
    ['another scrape job and service name', { job: 'ksm', service: 'ksm-svc' }],
  ])('ignores what changes without the trouble changing: %s', (_why, change) => {
    expect(alertFingerprint({ ...labels, ...change })).toBe(alertFingerprint(labels));
  });

  it.each([
    ['another pod', { pod: 'api-7d9f8b6c4-abcde' }],
    ['another container', { container: 'sidecar' }],
    ['another namespace', { namespace: 'cart' }],
    ['another severity (a warning and a critical rule firing at once)', { severity: 'critical' }],
    ['another alert name', { alertname: 'KubePodCrashLooping' }],
  ])('tells apart alerts Alertmanager keeps apart: %s', (_why, change) => {
    expect(alertFingerprint({ ...labels, ...change })).not.toBe(alertFingerprint(labels));
  });

  it('keeps instance and job for an alert about no pod or node: they are what it is about', () => {
    const down = { alertname: 'TargetDown', job: 'api', namespace: 'shop', service: 'api', severity: 'warning' };
    expect(alertFingerprint({ ...down, job: 'worker', service: 'worker' })).not.toBe(alertFingerprint(down));
    expect(alertIdentityKey(down)).toContain('"job","api"');
  });

  it('keeps the filesystem of a node-exporter alert apart from the node\'s other filesystems', () => {
    const fs = { alertname: 'NodeFilesystemSpaceFillingUp', device: '/dev/sda1', mountpoint: '/', pod: 'node-exporter-x7k2p', namespace: 'monitoring', instance: '10.0.0.4:9100' };
    expect(alertFingerprint({ ...fs, device: '/dev/sdb1', mountpoint: '/var/lib/docker' })).not.toBe(alertFingerprint(fs));
  });
});
