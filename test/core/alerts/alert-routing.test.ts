import { describe, expect, it } from 'vitest';
import { routeAlerts } from '../../../src/core/alerts/alert-routing.ts';
import { webhookAlert, webhookPayload } from '../../fixtures/alertmanager/webhook.ts';

const inCluster = (cluster: string | undefined, pod: string) => webhookAlert({ labels: { pod, ...(cluster !== undefined ? { cluster } : {}) } });
const pods = (p: { alerts: Array<{ labels: Record<string, string> }> } | undefined) => p?.alerts.map((a) => a.labels.pod);

describe('routeAlerts', () => {
  const live = new Set(['eu-1', 'us-1']);

  it.each<[string, Array<[string | undefined, string]>, string | undefined, string[] | undefined, Record<string, string[]>]>([
    ['no cluster label: all here', [[undefined, 'a'], [undefined, 'b']], 'eu-1', ['a', 'b'], {}],
    ['its own cluster: here', [['eu-1', 'a']], 'eu-1', ['a'], {}],
    ['another live cluster: there', [['us-1', 'a']], 'eu-1', undefined, { 'us-1': ['a'] }],
    ['mixed: split, order kept', [['us-1', 'a'], [undefined, 'b'], ['us-1', 'c'], ['eu-1', 'd']], 'eu-1', ['b', 'd'], { 'us-1': ['a', 'c'] }],
    ['a cluster with no live agent: here, rather than nowhere', [['ap-1', 'a']], 'eu-1', ['a'], {}],
    ['an unnamed agent routes what names another cluster with a live agent', [['us-1', 'a']], undefined, undefined, { 'us-1': ['a'] }],
    ['an unnamed agent keeps alerts labelled with any other name', [['prod', 'a']], undefined, ['a'], {}],
    ['an empty label: here', [[' ', 'a']], 'eu-1', ['a'], {}],
  ])('%s', (_, alerts, self, own, routed) => {
    const payload = webhookPayload(alerts.map(([c, p]) => inCluster(c, p)));
    const r = routeAlerts(payload, { label: 'cluster', self, live });
    expect(pods(r.own)).toEqual(own);
    expect(Object.fromEntries([...r.routed].map(([c, p]) => [c, pods(p)]))).toEqual(routed);
  });

  it('keeps the notification around each part: its group key, receiver and status', () => {
    const payload = webhookPayload([inCluster('us-1', 'a'), inCluster(undefined, 'b')], { groupKey: '{}:{alertname="KubeContainerOOMKilled"}', receiver: 'sre-bot' });
    const r = routeAlerts(payload, { label: 'cluster', self: 'eu-1', live });
    for (const part of [r.own!, r.routed.get('us-1')!]) expect(part).toMatchObject({ groupKey: payload.groupKey, receiver: 'sre-bot', status: payload.status, version: '4' });
  });

  it('reads the label the team uses', () => {
    const payload = webhookPayload([webhookAlert({ labels: { pod: 'a', k8s_cluster: 'us-1', cluster: 'eu-1' } })]);
    expect(pods(routeAlerts(payload, { label: 'k8s_cluster', self: 'eu-1', live }).routed.get('us-1'))).toEqual(['a']);
  });

  it('keeps an empty notification whole, here', () => {
    const payload = webhookPayload([]);
    expect(routeAlerts(payload, { label: 'cluster', self: 'eu-1', live })).toEqual({ own: payload, routed: new Map() });
  });
});
