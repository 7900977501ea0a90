// Last line of defence before a message leaves the renderer: whatever the builders produced,
// the result fits every Block Kit limit, cutting visibly instead of letting Slack refuse the post.
import { SLACK_LIMITS as L, type Block, type ButtonElement, type RenderedMessage, type StaticSelectElement, type TextObject } from './block-kit.ts';
import { truncate } from './escape.ts';

function fitText<T extends TextObject>(t: T, max: number): T {
  const text = t.text === '' ? ' ' : t.text;
  return { ...t, text: truncate(text, max) };
}

function fitElement(e: ButtonElement | StaticSelectElement): ButtonElement | StaticSelectElement | undefined {
  return e.type === 'static_select' ? fitSelect(e) : fitButton(e);
}

// Like a button's value, an option whose value does not fit cannot be shortened: drop it.
function fitSelect(s: StaticSelectElement): StaticSelectElement | undefined {
  if (s.action_id.length > L.actionId) return undefined;
  const options = s.options.filter((o) => o.value.length <= L.optionValue).map((o) => ({ ...o, text: fitText(o.text, L.buttonText) }));
  return options.length > 0 ? { ...s, placeholder: fitText(s.placeholder, L.buttonText), options } : undefined;
}

function fitButton(b: ButtonElement): ButtonElement | undefined {
  // An id that does not fit cannot be shortened without breaking the click: drop the button.
  if (b.action_id.length > L.actionId || (b.value !== undefined && b.value.length > L.buttonValue)) return undefined;
  const out: ButtonElement = { ...b, text: fitText(b.text, L.buttonText) };
  if (b.confirm) {
    out.confirm = {
      ...b.confirm,
      title: fitText(b.confirm.title, L.confirmTitle),
      text: fitText(b.confirm.text, L.confirmText),
      confirm: fitText(b.confirm.confirm, L.confirmButton),
      deny: fitText(b.confirm.deny, L.confirmButton),
    };
  }
  return out;
}

function fitBlock(block: Block): Block | undefined {
  const base = block.block_id !== undefined ? { block_id: truncate(block.block_id, L.blockId) } : {};
  switch (block.type) {
    case 'header':
      return { ...block, ...base, text: fitText(block.text, L.headerText) };
    case 'section': {
      const out = { ...block, ...base };
      if (block.text?.text.trim() === '') delete out.text;
      else if (block.text) out.text = fitText(block.text, L.sectionText);
      if (block.fields) out.fields = block.fields.slice(0, L.sectionFields).map((f) => fitText(f, L.fieldText));
      if (!out.text && !out.fields?.length) return undefined;
      return out;
    }
    case 'context': {
      const elements = block.elements.slice(0, L.contextElements).map((e) => fitText(e, L.contextText));
      return elements.length ? { ...block, ...base, elements } : undefined;
    }
    case 'actions': {
      const elements = block.elements.map(fitElement).filter((b) => b !== undefined).slice(0, L.actionsElements);
      return elements.length ? { ...block, ...base, elements } : undefined;
    }
    case 'divider':
      return { ...block, ...base };
  }
}

function omittedNote(n: number): Block {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: `_… ${n} more block${n === 1 ? '' : 's'} not shown_` }] };
}

const size = (b: Block): number => JSON.stringify(b).length + 1;

export function fitMessage(msg: RenderedMessage): RenderedMessage {
  let blocks = msg.blocks.map(fitBlock).filter((b): b is Block => b !== undefined);
  const total = blocks.reduce((n, b) => n + size(b), 2);
  if (blocks.length > L.blocksPerMessage || total > L.blocksJson) {
    // Keep the head of the message and its buttons; say how much was left out.
    const last = blocks.at(-1);
    const actions = last?.type === 'actions' ? [last] : [];
    const body = actions.length ? blocks.slice(0, -1) : blocks;
    const reserved = 2 + actions.reduce((n, b) => n + size(b), 0) + size(omittedNote(999));
    const kept: Block[] = [];
    let used = reserved;
    for (const b of body) {
      if (kept.length >= L.blocksPerMessage - 1 - actions.length || used + size(b) > L.blocksJson) break;
      kept.push(b);
      used += size(b);
    }
    blocks = [...kept, omittedNote(body.length - kept.length), ...actions];
  }
  const text = msg.text.trim() === '' ? 'Incident update' : msg.text;
  return { text: truncate(text, L.fallbackText), blocks };
}
