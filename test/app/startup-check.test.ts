// What npm start finds missing before it starts anything, listed all at once.
import { describe, expect, it } from 'vitest';
import { checkStartup } from '../../src/app/startup-check.ts';
import { renderStartupReport } from '../../src/core/doctor/startup-report.ts';
import { writePolicy } from '../support/agent-harness.ts';
import { unreachableKubeconfig } from '../usecases/doctor/doctor-run.ts';

describe('checkStartup', () => {
  it('lists invalid variables, a kubeconfig that cannot be loaded and broken policies together', async () => {
    const r = await checkStartup({ KUBECONFIG: '/nonexistent/kubeconfig', POLICY_DIR: '/nonexistent/policies', SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1', LOG_LEVEL: 'loud' });
    expect(r.config).toBeUndefined();
    expect(r.items.map((i) => `${i.severity} ${i.text.split(':')[0]}`)).toEqual([
      'missing LOG_LEVEL', 'missing SLACK_CHANNEL_ID', 'missing Kubernetes', 'missing policies',
    ]);
    expect(r.items.find((i) => i.text.startsWith('Kubernetes'))?.text).toContain('cannot load kubeconfig "/nonexistent/kubeconfig"');
  });

  it('starts with what is only limited, and hands over the configuration and kubeconfig', async () => {
    const r = await checkStartup({ KUBECONFIG: await unreachableKubeconfig(), POLICY_DIR: await writePolicy([]) });
    expect(r.config?.SCAN_INTERVAL_SECONDS).toBe(60);
    expect(r.kubeConfig?.getCurrentContext()).toBe('down');
    expect(r.items).toEqual([
      { severity: 'limited', text: 'policy default has no approvers: nobody can approve or reject its incidents' },
      { severity: 'limited', text: 'SLACK_BOT_TOKEN not set: incidents are detected, stored and audited, but not posted to Slack' },
    ]);
  });

  it('has nothing to say about a complete configuration', async () => {
    const r = await checkStartup({
      KUBECONFIG: await unreachableKubeconfig(), POLICY_DIR: await writePolicy(['U0SREALICE']),
      SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1', SLACK_CHANNEL_ID: 'C0INCIDENTS',
    });
    expect(r.items).toEqual([]);
    expect(r.config).toBeDefined();
  });
});

describe('renderStartupReport', () => {
  it('is one block: what stops the start, what is limited, and the doctor', () => {
    expect(renderStartupReport([
      { severity: 'limited', text: 'SLACK_BOT_TOKEN not set' },
      { severity: 'missing', text: 'Kubernetes: no configuration found' },
    ])).toBe([
      'kube-ai-sre-agent cannot start: 1 thing missing or invalid, 1 limitation',
      '  ✗ Kubernetes: no configuration found',
      '  ! SLACK_BOT_TOKEN not set',
      'Run `npx kube-ai-sre doctor` (same environment) to check each item, with how to fix it.',
    ].join('\n'));
    expect(renderStartupReport([{ severity: 'limited', text: 'x' }]).split('\n')[0]).toBe('kube-ai-sre-agent is starting with 1 limitation');
  });
});
