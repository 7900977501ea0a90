// Block Kit validation the way Slack refuses a message: `invalid_blocks` with one error per
// problem, each carrying a JSON pointer. Covers the block types and limits the bot relies on.

export interface MessageProblem {
  error: 'invalid_blocks' | 'msg_blocks_too_long' | 'no_text' | 'msg_too_long';
  errors: string[];
}

export interface ValidateOptions {
  surface?: 'message' | 'modal';
  /** Missing fallback text fails with no_text (Slack only warns; the bot must always send it). */
  requireText?: boolean;
  /** Over this many characters of serialized blocks → msg_blocks_too_long. */
  maxBlocksJson?: number;
}

const TEXT_LIMIT = 4000;
const BLOCK_TYPES = new Set(['section', 'header', 'divider', 'context', 'actions', 'image', 'rich_text', 'input', 'markdown']);

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function checkText(v: unknown, at: string, max: number, errors: string[], only?: 'plain_text'): void {
  if (!isObj(v)) return void errors.push(`must provide an object [json-pointer:${at}]`);
  if (v.type !== 'plain_text' && v.type !== 'mrkdwn') errors.push(`must be a valid enum value [json-pointer:${at}/type]`);
  else if (only && v.type !== only) errors.push(`must be ${only} [json-pointer:${at}/type]`);
  if (typeof v.text !== 'string' || v.text.length === 0) errors.push(`must be more than 0 characters [json-pointer:${at}/text]`);
  else if (v.text.length > max) errors.push(`must be less than ${max + 1} characters [json-pointer:${at}/text]`);
}

function checkLength(v: unknown, max: number, at: string, errors: string[], required = false): void {
  if (v === undefined) {
    if (required) errors.push(`is required [json-pointer:${at}]`);
    return;
  }
  if (typeof v !== 'string' || v.length === 0) errors.push(`must be a non-empty string [json-pointer:${at}]`);
  else if (v.length > max) errors.push(`must be less than ${max + 1} characters [json-pointer:${at}]`);
}

function checkButton(el: Obj, at: string, errors: string[]): void {
  checkText(el.text, `${at}/text`, 75, errors, 'plain_text');
  checkLength(el.action_id, 255, `${at}/action_id`, errors);
  checkLength(el.value, 2000, `${at}/value`, errors);
  checkLength(el.url, 3000, `${at}/url`, errors);
  if (el.style !== undefined && el.style !== 'primary' && el.style !== 'danger') errors.push(`must be a valid enum value [json-pointer:${at}/style]`);
  if (el.confirm !== undefined) {
    const c = el.confirm;
    if (!isObj(c)) return void errors.push(`must provide an object [json-pointer:${at}/confirm]`);
    checkText(c.title, `${at}/confirm/title`, 100, errors, 'plain_text');
    checkText(c.text, `${at}/confirm/text`, 300, errors);
    checkText(c.confirm, `${at}/confirm/confirm`, 30, errors, 'plain_text');
    checkText(c.deny, `${at}/confirm/deny`, 30, errors, 'plain_text');
  }
}

// Slack's limits for a static_select: placeholder 150, 1 to 100 options, option text 75, value 150.
function checkSelect(el: Obj, at: string, errors: string[]): void {
  checkText(el.placeholder, `${at}/placeholder`, 150, errors, 'plain_text');
  checkLength(el.action_id, 255, `${at}/action_id`, errors, true);
  if (!Array.isArray(el.options) || el.options.length === 0) return void errors.push(`must provide a non-empty array [json-pointer:${at}/options]`);
  if (el.options.length > 100) errors.push(`must provide no more than 100 items [json-pointer:${at}/options]`);
  el.options.forEach((o, i) => {
    if (!isObj(o)) return void errors.push(`must provide an object [json-pointer:${at}/options/${i}]`);
    checkText(o.text, `${at}/options/${i}/text`, 75, errors, 'plain_text');
    checkLength(o.value, 150, `${at}/options/${i}/value`, errors, true);
  });
}

function checkBlock(b: unknown, at: string, errors: string[], blockIds: Set<string>): void {
  if (!isObj(b)) return void errors.push(`must provide an object [json-pointer:${at}]`);
  if (typeof b.type !== 'string' || !BLOCK_TYPES.has(b.type)) return void errors.push(`must be a valid block type [json-pointer:${at}/type]`);
  if (b.block_id !== undefined) {
    checkLength(b.block_id, 255, `${at}/block_id`, errors);
    if (typeof b.block_id === 'string') {
      if (blockIds.has(b.block_id)) errors.push(`duplicate block_id ${b.block_id} [json-pointer:${at}/block_id]`);
      blockIds.add(b.block_id);
    }
  }
  switch (b.type) {
    case 'header':
      checkText(b.text, `${at}/text`, 150, errors, 'plain_text');
      break;
    case 'section':
      if (b.text === undefined && b.fields === undefined) errors.push(`must provide text or fields [json-pointer:${at}]`);
      if (b.text !== undefined) checkText(b.text, `${at}/text`, 3000, errors);
      if (b.fields !== undefined) {
        if (!Array.isArray(b.fields) || b.fields.length === 0) errors.push(`must provide a non-empty array [json-pointer:${at}/fields]`);
        else {
          if (b.fields.length > 10) errors.push(`must provide no more than 10 items [json-pointer:${at}/fields]`);
          b.fields.forEach((f, i) => checkText(f, `${at}/fields/${i}`, 2000, errors));
        }
      }
      break;
    case 'context':
      if (!Array.isArray(b.elements) || b.elements.length === 0) errors.push(`must provide a non-empty array [json-pointer:${at}/elements]`);
      else {
        if (b.elements.length > 10) errors.push(`must provide no more than 10 items [json-pointer:${at}/elements]`);
        b.elements.forEach((e, i) => {
          if (isObj(e) && e.type === 'image') return;
          checkText(e, `${at}/elements/${i}`, 3000, errors);
        });
      }
      break;
    case 'actions': {
      // action_id must be unique within its block.
      const actionIds = new Set<string>();
      if (!Array.isArray(b.elements) || b.elements.length === 0) errors.push(`must provide a non-empty array [json-pointer:${at}/elements]`);
      else {
        if (b.elements.length > 25) errors.push(`must provide no more than 25 items [json-pointer:${at}/elements]`);
        b.elements.forEach((e, i) => {
          if (!isObj(e)) return void errors.push(`must provide an object [json-pointer:${at}/elements/${i}]`);
          if (e.type === 'button') checkButton(e, `${at}/elements/${i}`, errors);
          else if (e.type === 'static_select') checkSelect(e, `${at}/elements/${i}`, errors);
          else errors.push(`must be a valid element type [json-pointer:${at}/elements/${i}/type]`);
          if (typeof e.action_id === 'string') {
            if (actionIds.has(e.action_id)) errors.push(`duplicate action_id ${e.action_id} [json-pointer:${at}/elements/${i}/action_id]`);
            actionIds.add(e.action_id);
          }
        });
      }
      break;
    }
  }
}

/** Errors for a blocks array, Slack style; empty when valid. */
export function validateBlocks(blocks: unknown, opts: ValidateOptions = {}): string[] {
  const errors: string[] = [];
  if (!Array.isArray(blocks)) return ['must provide an array [json-pointer:/blocks]'];
  const max = opts.surface === 'modal' ? 100 : 50;
  if (blocks.length > max) errors.push(`must provide no more than ${max} items [json-pointer:/blocks]`);
  const blockIds = new Set<string>();
  blocks.forEach((b, i) => checkBlock(b, `/blocks/${i}`, errors, blockIds));
  return errors;
}

/** The error Slack would answer chat.postMessage / chat.update with, or undefined when it would accept. */
export function validateMessage(args: { text?: unknown; blocks?: unknown }, opts: ValidateOptions = {}): MessageProblem | undefined {
  const requireText = opts.requireText ?? true;
  const hasText = typeof args.text === 'string' && args.text.trim() !== '';
  if (!hasText && (requireText || args.blocks === undefined)) return { error: 'no_text', errors: ['fallback text is required'] };
  if (typeof args.text === 'string' && args.text.length > TEXT_LIMIT) return { error: 'msg_too_long', errors: [`text must be less than ${TEXT_LIMIT + 1} characters`] };
  if (args.blocks !== undefined) {
    const errors = validateBlocks(args.blocks, opts);
    if (errors.length) return { error: 'invalid_blocks', errors };
    if (JSON.stringify(args.blocks).length > (opts.maxBlocksJson ?? 50_000)) return { error: 'msg_blocks_too_long', errors: ['blocks are too long'] };
  }
  return undefined;
}
