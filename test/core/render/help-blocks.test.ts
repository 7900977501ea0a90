import { describe, expect, it } from 'vitest';
import { SRE_COMMANDS, renderHelp } from '../../../src/core/render/help-blocks.ts';
import { validateMessage } from '../../support/fake-slack/block-limits.ts';
import { golden } from '../../support/golden.ts';
import { allTexts, foreignControlSequences } from '../../support/mrkdwn-tokens.ts';

describe('renderHelp', () => {
  it('matches its golden and lists every subcommand', () => {
    const msg = renderHelp();
    expect(msg).toEqual(golden('help', msg));
    expect(validateMessage(msg)).toBeUndefined();
    const text = allTexts(msg).join('\n');
    for (const usage of ['scan &lt;namespace&gt;', 'scan &lt;cluster&gt;/&lt;namespace&gt;', 'clusters', 'incidents', 'history &lt;workload&gt;', 'audit [n]', 'audit checkpoint', 'policy [namespace]', 'stats', 'help']) {
      expect(text).toContain(`/sre ${usage}`);
    }
    expect(SRE_COMMANDS).toHaveLength(10);
  });

  it('shows an escaped notice first and follows the installed command name', () => {
    const msg = renderHelp({ command: '/sre-staging', notice: 'Unknown subcommand `<!channel>`' });
    expect(foreignControlSequences(msg)).toEqual([]);
    expect(msg.text.startsWith('Unknown subcommand `&lt;!channel&gt;`\nUsage: /sre-staging scan &lt;namespace&gt;')).toBe(true);
    expect(validateMessage(msg)).toBeUndefined();
  });
});
