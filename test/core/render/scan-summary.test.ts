import { describe, expect, it } from 'vitest';
import { familyCounts, messageLink, scanFailureText, scanSummaryText } from '../../../src/core/render/scan-summary.ts';

describe('scanSummaryText', () => {
  it.each([
    [{ namespace: 'demo', podsChecked: 12, newCount: 0, known: [], resolvedCount: 0 }, 'No incidents in demo (12 pods checked).'],
    [{ namespace: 'demo', podsChecked: 1, newCount: 0, known: [], resolvedCount: 2 }, 'No incidents in demo (1 pod checked); 2 incidents resolved.'],
    [{ namespace: 'demo', podsChecked: 2, newCount: 1, known: [], resolvedCount: 0 }, 'Scan of demo: 1 memory incident (2 pods checked).\n1 new: analysis under way, each will be posted in the incident channel.'],
    [
      { namespace: 'shop', podsChecked: 9, newCount: 3, known: [], resolvedCount: 0, families: { memory: 1, crash: 1, image: 1 } },
      'Scan of shop: 3 incidents: 1 memory, 1 crash, 1 image (9 pods checked).\n3 new: analysis under way, each will be posted in the incident channel.',
    ],
    [{ namespace: 'shop', podsChecked: 9, newCount: 2, known: [], resolvedCount: 0, families: { memory: 2 } }, 'Scan of shop: 2 memory incidents (9 pods checked).\n2 new: analysis under way, each will be posted in the incident channel.'],
  ])('%j', (input, expected) => {
    expect(scanSummaryText(input)).toBe(expected);
  });

  it('counts kinds by family in the families\' order', () => {
    expect(familyCounts(['CrashLoop', 'OOMKilled', 'ProbeKill', 'Unschedulable'])).toEqual({ memory: 1, crash: 2, scheduling: 1 });
    expect(Object.keys(familyCounts(['Unschedulable', 'OOMKilled']))).toEqual(['memory', 'scheduling']);
  });

  it('links known incidents and keeps names inert', () => {
    const text = scanSummaryText({
      namespace: 'shop', podsChecked: 40, newCount: 0, resolvedCount: 0,
      known: [{ pod: 'web-<!channel>', kind: 'OOMCrashLoop', link: 'https://slack.com/archives/C1/p1700000000000100' }],
    });
    expect(text).toContain('<https://slack.com/archives/C1/p1700000000000100|web-&lt;!channel&gt; (OOMCrashLoop)>');
    expect(text).not.toContain('<!channel>');
  });

  it('lists at most 20 known incidents and points to /sre incidents for the rest', () => {
    const known = Array.from({ length: 25 }, (_, i) => ({ pod: `p${i}`, kind: 'OOMKilled' }));
    const text = scanSummaryText({ namespace: 'big', podsChecked: 500, newCount: 0, known, resolvedCount: 0 });
    expect(text.split('\n').filter((l) => l.startsWith('• '))).toHaveLength(20);
    expect(text).toContain('… and 5 more (see /sre incidents).');
  });
});

describe('scanFailureText', () => {
  it.each([
    ['k8s_not_found', 'Namespace demo does not exist.'],
    ['k8s_forbidden', "Not allowed to read namespace demo: the agent's RBAC role does not cover it."],
    ['k8s_unreachable', 'The Kubernetes API server is unreachable; scan of demo not run.'],
    [undefined, 'Scan of demo failed: boom &lt;x&gt;'],
  ] as const)('%s → one line', (code, expected) => {
    expect(scanFailureText('demo', code, 'boom <x>\nstack...')).toBe(expected);
  });
});

describe('messageLink', () => {
  it('builds the archive link Slack resolves for any member', () => {
    expect(messageLink({ channel: 'C0INCIDENTS', ts: '1741079001.000100' })).toBe('https://slack.com/archives/C0INCIDENTS/p1741079001000100');
  });
});
