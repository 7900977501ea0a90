import { describe, expect, it } from 'vitest';
import { fail, ok, skip, warn } from '../../../src/core/doctor/check.ts';
import { renderChecklist } from '../../../src/core/doctor/checklist-text.ts';

describe('renderChecklist', () => {
  it('prints one line per check under its area, a failure with its fix, and a summary', () => {
    const text = renderChecklist([
      ok({ id: 'config.env', area: 'config', title: 'environment' }, 'valid'),
      fail({ id: 'slack.channel', area: 'slack', title: 'incident channel' }, 'the bot is not a member of C1', 'in the channel, type /invite @bot'),
      ok({ id: 'ollama.chat', area: 'ollama', title: 'test call' }, 'answered', { latencyMs: 812 }),
      warn({ id: 'redis.persistence', area: 'redis', title: 'persistence' }, 'AOF off', 'appendonly yes'),
      skip({ id: 'kubernetes.reachable', area: 'kubernetes', title: 'API server' }, 'needs a kubeconfig'),
    ]);
    expect(text.split('\n')).toEqual([
      'Configuration',
      '  ✓ environment       valid',
      'Slack',
      '  ✗ incident channel  the bot is not a member of C1 → fix: in the channel, type /invite @bot',
      'Kubernetes',
      '  - API server        needs a kubeconfig',
      'Redis',
      '  ! persistence       AOF off → fix: appendonly yes',
      'Ollama',
      '  ✓ test call         answered (812 ms)',
      '',
      '5 checks: 2 ok, 1 warning, 1 failed, 1 skipped — fix the failed checks (✗) before `npm start`',
    ]);
  });

  it('says the setup is ready when nothing failed', () => {
    expect(renderChecklist([ok({ id: 'config.env', area: 'config', title: 'environment' }, 'valid')])).toMatch(/1 check: 1 ok, 0 warnings, 0 failed, 0 skipped — ready to start$/);
  });
});
