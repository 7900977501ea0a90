// The receiver against a real Alertmanager: what Alertmanager really sends (grouped, repeated,
// resolved, with the bearer token from http_config.authorization) passes the schema and the token
// check, and a wrong token is refused so Alertmanager counts the delivery as failed.
import { afterEach, expect, it } from 'vitest';
import { startAlertReceiver, type AlertReceiver, type ReceiverOutcome } from '../../../src/adapters/http/alertmanager-receiver.ts';
import type { AlertmanagerWebhook } from '../../../src/core/alerts/webhook-payload.ts';
import { silentLogger } from '../../../src/logging.ts';
import { startAlertmanager, type TestAlertmanager } from '../../support/alertmanager/server.ts';
import { describeWithAlertmanager } from '../../support/alertmanager/tools.ts';
import { eventually } from '../../support/eventually.ts';

const TOKEN = 'am-real-token-0123456789abcdef';

describeWithAlertmanager('Alertmanager webhook receiver with a real Alertmanager', (tools) => {
  let receiver: AlertReceiver | undefined;
  let am: TestAlertmanager | undefined;
  let received: AlertmanagerWebhook[];
  let outcomes: ReceiverOutcome[];
  afterEach(async () => {
    await am?.stop();
    await receiver?.close();
  });

  async function start(amToken: string, timers: { repeatInterval?: string } = {}) {
    received = [];
    outcomes = [];
    receiver = await startAlertReceiver({
      port: 0, host: '127.0.0.1', token: TOKEN, maxBodyBytes: 1024 * 1024, logger: silentLogger,
      accept: async (payload) => { received.push(payload); },
      onRequest: (o) => outcomes.push(o),
    });
    am = await startAlertmanager(tools, { webhookUrl: `http://127.0.0.1:${receiver.port}/alertmanager`, token: amToken, ...timers });
    return am;
  }

  const oom = (pod: string) => ({
    labels: { alertname: 'KubeContainerOOMKilled', namespace: 'shop', pod, container: 'app', severity: 'warning' },
    annotations: { summary: 'Kubernetes container oom killed.' },
  });

  it('receives alerts grouped as Alertmanager groups them, then their resolution', async () => {
    const am = await start(TOKEN);
    await am.post([oom('api-1'), oom('api-2')]);
    await am.amtoolAdd({ alertname: 'KubeNodeNotReady', node: 'worker-1', severity: 'critical' }, { summary: 'Node is not ready.' });
    await eventually('both groups delivered', () => received.length >= 2, 20_000);
    const byName = new Map(received.map((p) => [p.groupLabels.alertname, p]));
    const shop = byName.get('KubeContainerOOMKilled')!;
    expect(shop).toMatchObject({ version: '4', status: 'firing', receiver: 'kube-ai-sre', groupLabels: { alertname: 'KubeContainerOOMKilled', namespace: 'shop' } });
    expect(shop.alerts.map((a) => a.labels.pod).sort()).toEqual(['api-1', 'api-2']);
    expect(shop.alerts[0]!.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(byName.get('KubeNodeNotReady')!.alerts[0]!.annotations.summary).toBe('Node is not ready.');

    // Resolving one alert (endsAt in the past) sends the group again: one resolved, one firing.
    await am.post([{ ...oom('api-1'), endsAt: new Date(Date.now() - 1000).toISOString() }]);
    await eventually('the resolution delivered', () => received.some((p) => p.alerts.some((a) => a.labels.pod === 'api-1' && a.status === 'resolved')), 20_000);
    const last = received.findLast((p) => p.groupLabels.alertname === 'KubeContainerOOMKilled')!;
    expect(last.alerts.map((a) => [a.labels.pod, a.status]).sort()).toEqual([['api-1', 'resolved'], ['api-2', 'firing']]);
    expect(outcomes.every((o) => o === 'accepted')).toBe(true);
  });

  it('gets the same group again at each repeat interval, unchanged', async () => {
    const am = await start(TOKEN, { repeatInterval: '2s' });
    await am.post([oom('api-1')]);
    await eventually('a repeat delivered', () => received.length >= 2, 30_000);
    expect(received[1]!.alerts).toEqual(received[0]!.alerts);
  });

  it('refuses Alertmanager with the wrong token: nothing accepted, Alertmanager counts the failure', async () => {
    const am = await start('a-wrong-token-0123456789abcdef');
    await am.post([oom('api-1')]);
    await eventually('a failed delivery', async () => (await am.notifications()).failed >= 1, 20_000);
    expect(received).toEqual([]);
    expect(outcomes.length).toBeGreaterThan(0);
    expect(new Set(outcomes)).toEqual(new Set(['unauthorized']));
  });
});
