// The boundary schema: Alertmanager's version 4 notifications pass; anything else is refused with
// a reason naming the field.
import { describe, expect, it } from 'vitest';
import { AlertmanagerWebhookSchema, describeWebhookIssues } from '../../../src/core/alerts/webhook-payload.ts';
import { webhookAlert, webhookPayload } from '../../fixtures/alertmanager/webhook.ts';

const reasonFor = (body: unknown) => {
  const r = AlertmanagerWebhookSchema.safeParse(body);
  return r.success ? 'valid' : describeWebhookIssues(r.error);
};

describe('AlertmanagerWebhookSchema', () => {
  it('accepts a notification as Alertmanager sends it, nanosecond timestamps included', () => {
    const parsed = AlertmanagerWebhookSchema.parse(JSON.parse(JSON.stringify(webhookPayload([webhookAlert()]))));
    expect(parsed.alerts[0]!.labels.alertname).toBe('KubeContainerOOMKilled');
    expect(parsed.alerts[0]!.endsAt).toBe('0001-01-01T00:00:00Z');
  });

  it('fills the maps Alertmanager leaves out when empty', () => {
    const { groupLabels: _g, commonLabels: _c, commonAnnotations: _a, ...rest } = webhookPayload([webhookAlert()]);
    const alert: Record<string, unknown> = { ...webhookAlert() };
    delete alert.annotations;
    const parsed = AlertmanagerWebhookSchema.parse({ ...rest, alerts: [alert] });
    expect(parsed.groupLabels).toEqual({});
    expect(parsed.alerts[0]!.annotations).toEqual({});
  });

  it.each([
    ['not an object', 'hello', '(body)'],
    ['another payload version', { ...webhookPayload([webhookAlert()]), version: '3' }, 'version: must be "4"'],
    ['no alerts array', { ...webhookPayload([]), alerts: undefined }, 'alerts:'],
    ['an unknown status', { ...webhookPayload([webhookAlert()]), status: 'pending' }, 'status:'],
    ['an alert without alertname', webhookPayload([webhookAlert({ labels: { alertname: '' } })]), 'alerts.0.labels.alertname: must hold a non-empty alertname'],
    ['a label that is not a string', webhookPayload([{ ...webhookAlert(), labels: { alertname: 'X', pod: 7 } as never }]), 'alerts.0.labels.pod'],
    ['a startsAt that is no time', webhookPayload([webhookAlert({ startsAt: 'yesterday' })]), 'alerts.0.startsAt: must be an RFC 3339 timestamp'],
  ])('refuses %s, naming the field', (_name, body, reason) => {
    expect(reasonFor(body)).toContain(reason);
  });

  it('lists at most five issues and says how many more', () => {
    const alerts = Array.from({ length: 8 }, () => webhookAlert({ startsAt: 'never' }));
    const reason = reasonFor(webhookPayload(alerts));
    expect(reason.split('; ')).toHaveLength(6);
    expect(reason).toMatch(/… 3 more$/);
  });
});
