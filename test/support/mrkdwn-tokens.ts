// Every Slack control sequence (<…>) in a rendered message, so tests can prove that only the
// ones the renderer builds itself (user mentions from validated ids, dates) ever appear.
import type { Block, RenderedMessage, TextObject } from '../../src/core/render/block-kit.ts';

function texts(blocks: Block[]): TextObject[] {
  return blocks.flatMap((b): TextObject[] => {
    switch (b.type) {
      case 'header':
        return [b.text];
      case 'section':
        return [...(b.text ? [b.text] : []), ...(b.fields ?? [])];
      case 'context':
        return b.elements;
      case 'actions':
        return b.elements.flatMap((e) =>
          e.type === 'static_select' ? [e.placeholder, ...e.options.map((o) => o.text)] : [e.text, ...(e.confirm ? [e.confirm.title, e.confirm.text] : [])]);
      case 'divider':
        return [];
    }
  });
}

export function controlSequences(msg: RenderedMessage): string[] {
  const mrkdwn = [msg.text, ...texts(msg.blocks).filter((t) => t.type === 'mrkdwn').map((t) => t.text)];
  return mrkdwn.flatMap((t) => t.match(/<[^<>]*>/g) ?? []);
}

const OURS = /^<(@[UW][A-Z0-9]{2,30}|!date\^\d+\^\{date_short_pretty\} \{time\}\|[0-9TZ:.-]+)>$/;

/** Control sequences the renderer did not build itself; must always be empty. */
export function foreignControlSequences(msg: RenderedMessage): string[] {
  return controlSequences(msg).filter((s) => !OURS.test(s));
}

export function allTexts(msg: RenderedMessage): string[] {
  return [msg.text, ...texts(msg.blocks).map((t) => t.text)];
}
