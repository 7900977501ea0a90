// The flood's one message: its shape at a glance, hostile names inert, within Slack's limits.
import { describe, expect, it } from 'vitest';
import { alertFloodSummaryText } from '../../../src/core/render/alert-flood-summary.ts';
import { foreignControlSequences } from '../../support/mrkdwn-tokens.ts';

const folded = (n: number, alertname: string, namespace: string, severity = 'warning') => Array.from({ length: n }, () => ({ alertname, namespace, severity }));

describe('alertFloodSummaryText', () => {
  it('counts folded alerts by name and namespace, largest first', () => {
    const text = alertFloodSummaryText({
      firing: 1000, opened: 10, receiver: 'kube-ai-sre', groupLabels: { alertname: 'KubePodNotReady' },
      folded: [...folded(600, 'KubePodNotReady', 'shop'), ...folded(300, 'KubePodNotReady', 'cart'), ...folded(90, 'KubeContainerWaiting', 'shop', 'critical')],
    });
    expect(text).toContain('1000 firing alerts at once');
    expect(text).toContain('The 10 most severe new alerts are posted as incidents; *990* more are folded');
    expect(text).toContain('• 900 × `KubePodNotReady` (warning) in `shop` 600, `cart` 300');
    expect(text).toContain('• 90 × `KubeContainerWaiting` (critical) in `shop` 90');
    expect(text.indexOf('KubePodNotReady` (warning)')).toBeLessThan(text.indexOf('KubeContainerWaiting'));
  });

  it('stays short and inert whatever the alerts are called', () => {
    const hostile = Array.from({ length: 40 }, (_, i) => ({ alertname: `<!channel> x${i} <https://evil.example|click>${'z'.repeat(500)}`, namespace: '<@U0ADMIN>', severity: '<!here>' }));
    const text = alertFloodSummaryText({ firing: 50, opened: 10, receiver: '<!everyone>', groupLabels: { alertname: '<#C0123>' }, folded: hostile });
    expect(foreignControlSequences({ text, blocks: [] })).toEqual([]);
    expect(text.length).toBeLessThanOrEqual(3500);
    expect(text).toContain('… and 32 more alert names');
  });
});
