// `/sre help`: what the bot can do, in one short message.
import { SLACK_LIMITS as L, type Block, type RenderedMessage } from './block-kit.ts';
import { escapeMrkdwn, truncate } from './escape.ts';
import { fitMessage } from './fit-message.ts';
import { SAFETY_LINE } from './incident-blocks.ts';

export interface HelpCommand {
  usage: string;
  description: string;
}

export const SRE_COMMANDS: readonly HelpCommand[] = [
  { usage: 'scan <namespace>', description: 'Scan a namespace now for OOM kills, OOM restart loops and memory evictions.' },
  { usage: 'scan <cluster>/<namespace>', description: 'The same in one cluster, when several share this app.' },
  { usage: 'clusters', description: 'Clusters whose agents report in: last heartbeat, version, namespaces.' },
  { usage: 'incidents', description: 'List open incidents with links to their messages.' },
  { usage: 'history <workload>', description: 'Past incidents and decisions for a workload (e.g. `deployment/checkout`).' },
  { usage: 'audit [n]', description: 'The last n audit entries (default 10) and whether the chain verifies.' },
  { usage: 'audit checkpoint', description: 'Post the audit trail\'s head (sequence and hash) to the audit channel, a witness outside Redis (approvers).' },
  { usage: 'policy [namespace]', description: 'The policy that applies to a namespace: limits, ratios, approvers.' },
  { usage: 'stats', description: 'Incidents, decisions and LLM use since the bot started.' },
  { usage: 'help', description: 'This message.' },
];

export interface RenderHelpOptions {
  /** The slash command as installed; "/sre" by default. */
  command?: string;
  /** A line shown first, e.g. why help is shown ("Unknown subcommand `foo`"); escaped. */
  notice?: string;
}

export function renderHelp(opts: RenderHelpOptions = {}): RenderedMessage {
  const command = escapeMrkdwn(truncate(opts.command ?? '/sre', 40));
  const usage = SRE_COMMANDS.map((c) => `\`${command} ${escapeMrkdwn(c.usage)}\` — ${c.description}`).join('\n');
  const blocks: Block[] = [
    { type: 'header', block_id: 'help_header', text: { type: 'plain_text', text: truncate(`${opts.command ?? '/sre'} — Kubernetes memory incidents`, L.headerText) } },
  ];
  if (opts.notice) blocks.push({ type: 'section', block_id: 'help_notice', text: { type: 'mrkdwn', text: escapeMrkdwn(truncate(opts.notice, 1000)) } });
  blocks.push(
    { type: 'section', block_id: 'help_commands', text: { type: 'mrkdwn', text: usage } },
    {
      type: 'context',
      block_id: 'help_more',
      elements: [
        { type: 'mrkdwn', text: 'Ask follow-up questions in an incident’s thread and the bot answers with that incident’s context.' },
        { type: 'mrkdwn', text: SAFETY_LINE },
      ],
    },
  );
  const text = `${opts.notice ? `${escapeMrkdwn(truncate(opts.notice, 1000))}\n` : ''}Usage: ${SRE_COMMANDS.map((c) => `${command} ${escapeMrkdwn(c.usage)}`).join(' | ')}`;
  return fitMessage({ text, blocks });
}
