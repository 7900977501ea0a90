import { describe, expect, it } from 'vitest';
import type { Block } from '../../../src/core/render/block-kit.ts';
import { fitMessage } from '../../../src/core/render/fit-message.ts';
import { validateMessage } from '../../support/fake-slack/block-limits.ts';

describe('fitMessage', () => {
  it('turns a message Slack would refuse into one it accepts, cutting visibly', () => {
    const sections: Block[] = Array.from({ length: 70 }, (_, i) => ({ type: 'section', text: { type: 'mrkdwn', text: `${i} ${'y'.repeat(4000)}` } }));
    const raw = {
      text: 'z'.repeat(5000),
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: 'h'.repeat(300) } },
        { type: 'section', fields: Array.from({ length: 14 }, () => ({ type: 'mrkdwn', text: 'f'.repeat(2500) })) },
        { type: 'context', elements: [] },
        { type: 'section', text: { type: 'mrkdwn', text: '' } },
        ...sections,
        { type: 'actions', elements: [{ type: 'button', action_id: 'incident_reject', text: { type: 'plain_text', text: 'R'.repeat(100) }, value: 'inc-1' }] },
      ] as Block[],
    };
    expect(validateMessage(raw)?.error).toBe('msg_too_long');
    const fitted = fitMessage(raw);
    expect(validateMessage(fitted)).toBeUndefined();
    // header + fields section + 70 long sections survive fitting; whatever is cut is counted.
    const omitted = Number(/_… (\d+) more blocks not shown_/.exec(JSON.stringify(fitted.blocks.at(-2)))?.[1]);
    expect(fitted.blocks.length - 2 + omitted).toBe(72);
    expect(fitted.blocks.length).toBeGreaterThan(2);
    expect(fitted.blocks.at(-1)!.type).toBe('actions');
    expect(JSON.stringify(fitted.blocks).length).toBeLessThanOrEqual(40_000);
    expect(JSON.stringify(fitted.blocks.at(-2))).toMatch(/more blocks not shown/);
    expect(fitted.text.endsWith('…')).toBe(true);
  });

  it('leaves a message that fits unchanged', () => {
    const msg = { text: 'ok', blocks: [{ type: 'divider' }, { type: 'section', text: { type: 'mrkdwn', text: 'hi' } }] as Block[] };
    expect(fitMessage(msg)).toEqual(msg);
  });
});

describe('fitMessage block count', () => {
  it('keeps at most 50 small blocks, the last being the buttons', () => {
    const blocks: Block[] = [
      ...Array.from({ length: 80 }, (_, i): Block => ({ type: 'context', elements: [{ type: 'mrkdwn', text: `line ${i}` }] })),
      { type: 'actions', elements: [{ type: 'button', action_id: 'incident_reject', text: { type: 'plain_text', text: 'Reject' }, value: 'inc-1' }] },
    ];
    const fitted = fitMessage({ text: 'x', blocks });
    expect(validateMessage(fitted)).toBeUndefined();
    expect(fitted.blocks).toHaveLength(50);
    expect(JSON.stringify(fitted.blocks.at(-2))).toContain('_… 32 more blocks not shown_');
    expect(fitted.blocks.at(-1)!.type).toBe('actions');
  });
});
