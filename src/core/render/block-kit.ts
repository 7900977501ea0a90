// The slice of Block Kit the bot renders, as plain types (no SDK types in the core), and the
// limits Slack enforces on it.

export interface PlainText {
  type: 'plain_text';
  text: string;
  emoji?: boolean;
}

export interface MrkdwnText {
  type: 'mrkdwn';
  text: string;
  verbatim?: boolean;
}

export type TextObject = PlainText | MrkdwnText;

export interface ConfirmDialog {
  title: PlainText;
  text: TextObject;
  confirm: PlainText;
  deny: PlainText;
  style?: 'primary' | 'danger';
}

export interface ButtonElement {
  type: 'button';
  action_id: string;
  text: PlainText;
  value?: string;
  style?: 'primary' | 'danger';
  confirm?: ConfirmDialog;
}

export interface HeaderBlock {
  type: 'header';
  block_id?: string;
  text: PlainText;
}

export interface SectionBlock {
  type: 'section';
  block_id?: string;
  text?: TextObject;
  fields?: TextObject[];
}

export interface ContextBlock {
  type: 'context';
  block_id?: string;
  elements: TextObject[];
}

export interface DividerBlock {
  type: 'divider';
  block_id?: string;
}

/** A drop-down of fixed choices (e.g. how long to mute); each option's value comes back on choice. */
export interface StaticSelectElement {
  type: 'static_select';
  action_id: string;
  placeholder: PlainText;
  options: Array<{ text: PlainText; value: string }>;
}

export interface ActionsBlock {
  type: 'actions';
  block_id?: string;
  elements: Array<ButtonElement | StaticSelectElement>;
}

export type Block = HeaderBlock | SectionBlock | ContextBlock | DividerBlock | ActionsBlock;

/** What every renderer returns: blocks plus the plain fallback used in notifications. */
export interface RenderedMessage {
  text: string;
  blocks: Block[];
}

export const SLACK_LIMITS = {
  blocksPerMessage: 50,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  headerText: 150,
  contextElements: 10,
  contextText: 3000,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  /** Value of one option of a select menu. */
  optionValue: 150,
  actionId: 255,
  blockId: 255,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  /** Slack recommends a fallback under 4000 characters; we keep it strictly below. */
  fallbackText: 3999,
  /** Slack also refuses a message whose blocks are too large overall (msg_blocks_too_long) without
   * documenting the figure; this is our own conservative cap on the serialized blocks. */
  blocksJson: 40_000,
} as const;
