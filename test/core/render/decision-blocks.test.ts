import { describe, expect, it } from 'vitest';
import type { Block, RenderedMessage } from '../../../src/core/render/block-kit.ts';
import type { Decision } from '../../../src/core/model.ts';
import { NEVER_RUNS_NOTE, decisionBlocks } from '../../../src/core/render/decision-blocks.ts';
import { renderCases } from '../../fixtures/incidents/render-cases.ts';
import { incidentReport } from '../../fixtures/incidents/report.ts';
import { validateBlocks } from '../../support/fake-slack/block-limits.ts';
import { allTexts, foreignControlSequences } from '../../support/mrkdwn-tokens.ts';

const approve: Decision = { action: 'approve', userId: 'U0SREALICE', userName: 'alice', at: '2025-03-04T09:20:13Z', reason: 'Matches the heap growth on the dashboard' };
const reject: Decision = { action: 'reject', userId: 'U0SREBOB', userName: 'bob', at: '2025-03-04T09:22:40Z', reason: 'Fixing the cache size in code instead' };

const asMessage = (blocks: Block[]): RenderedMessage => ({ text: '', blocks });

describe('decisionBlocks', () => {
  it.each([
    ['approve-deployment', incidentReport(), approve],
    ['reject-deployment', incidentReport(), reject],
    ['approve-cronjob-init', renderCases['open-init-container-cronjob']!, approve],
    ['approve-bare-pod', renderCases['approved-bare-pod']!, approve],
    ['approve-clamped', renderCases['open-rule-based-denied']!, { ...approve, reason: undefined }],
  ] as const)('%s: a decision block then a plan block that Slack accepts', (_name, report, decision) => {
    const blocks = decisionBlocks(report, decision);
    expect(blocks.map((b) => b.block_id)).toEqual(['incident_decision', 'incident_plan']);
    expect(validateBlocks(blocks)).toEqual([]);
    expect(foreignControlSequences(asMessage(blocks))).toEqual([]);
  });

  it('gives the command a human would run, and says the bot never runs it', () => {
    const text = allTexts(asMessage(decisionBlocks(incidentReport(), approve))).join('\n');
    expect(text).toContain('kubectl set resources deployment/checkout -n demo -c app --limits=memory=256Mi --requests=memory=128Mi');
    expect(text).toContain(NEVER_RUNS_NOTE);
    expect(text).toContain('by <@U0SREALICE> on <!date^1741080013^');
  });

  it('proposes no change for a rejection', () => {
    const text = allTexts(asMessage(decisionBlocks(incidentReport(), reject))).join('\n');
    expect(text).not.toContain('kubectl');
    expect(text).toContain('No change will be proposed');
  });

  it('escapes a reason and a display name, and mentions only a valid user id', () => {
    const msg = asMessage(decisionBlocks(incidentReport(), { action: 'reject', userId: 'U0X|<!channel>', userName: '<!here> eve', at: 'yesterday <@U0EVIL>', reason: 'see <https://evil.example|the runbook>' }));
    expect(foreignControlSequences(msg)).toEqual([]);
    const text = allTexts(msg).join('\n');
    expect(text).toContain('by &lt;!here&gt; eve on yesterday &lt;@U0EVIL&gt;');
    expect(text).toContain('*Reason:* see &lt;https://evil.example|the runbook&gt;');
  });
});
