// `/sre …`: every command is acked at once (Slack allows 3 s); a scan goes to the job queue and
// answers later through the response_url; reads from Redis answer through respond(). Everything
// the user sees is ephemeral, and nothing a user types can crash the listener.
import type { App, RespondFn } from '@slack/bolt';
import { isAppError } from '../../core/errors.ts';
import { parseCommand, type SreCommand } from '../../core/commands/parse-command.ts';
import { effectivePolicy } from '../../core/policy/evaluate.ts';
import { auditReply, historyReply, incidentsReply, policiesOverviewReply, policyReply } from '../../core/render/command-replies.ts';
import { escapeMrkdwn } from '../../core/render/escape.ts';
import { renderHelp } from '../../core/render/help-blocks.ts';
import { auditActor } from '../../usecases/audit-actor.ts';
import { requestCheckpoint } from '../../usecases/audit-checkpoint.ts';
import { workloadHistory } from '../../usecases/workload-history.ts';
import { slackMessage } from './chat-notifier.ts';
import { errorMessage, userDisplayName, type SlackHandlerDeps } from './handler-deps.ts';

export const SRE_COMMAND = '/sre';

interface Invocation {
  command: string;
  userId: string;
  userName: string;
  channelId: string;
  responseUrl: string;
}

function unavailable(err: unknown): string {
  const code = isAppError(err) ? err.code : 'internal_error';
  return code === 'store_unavailable'
    ? 'The incident store (Redis) is unavailable right now (store_unavailable); try again in a moment.'
    : `That did not work (${escapeMrkdwn(code)}); the error was logged.`;
}

/** The text for a command answered from stored state. */
async function answer(deps: SlackHandlerDeps, cmd: Exclude<SreCommand, { type: 'scan' | 'help' | 'invalid' | 'audit_checkpoint' }>): Promise<string> {
  switch (cmd.type) {
    case 'incidents':
      return incidentsReply(await deps.store.listOpen());
    case 'history': {
      const found = await workloadHistory(deps.store, cmd.workload);
      if (!found.ok) {
        return `No open incident names a namespace for ${escapeMrkdwn(cmd.workload.name)}: give it as \`${SRE_COMMAND} history <namespace>/${escapeMrkdwn(cmd.workload.name)}\` (or <namespace>/<kind>/<name>).`;
      }
      const w = cmd.workload;
      return historyReply([w.namespace, w.kind, w.name].filter(Boolean).join('/'), found.entries);
    }
    case 'audit': {
      const entries = await deps.audit.latest(cmd.n);
      const check = await deps.audit.verify().catch((err: unknown) => ({ error: isAppError(err) ? err.code : errorMessage(err) }));
      return auditReply(entries, check);
    }
    case 'policy':
      return cmd.namespace ? policyReply(cmd.namespace, effectivePolicy(deps.policies, cmd.namespace).lines) : policiesOverviewReply(deps.policies);
    case 'stats':
      if (!deps.stats) return 'Stats are unavailable: this agent runs without a stats source.';
      return deps.stats();
  }
}

async function startScan(deps: SlackHandlerDeps, namespace: string, who: Invocation, respond: RespondFn): Promise<void> {
  const log = deps.logger.child({ command: 'scan', namespace, userId: who.userId });
  try {
    const actor = auditActor(who.userId);
    const name = await userDisplayName(deps, who.userId, who.userName || undefined);
    await deps.audit.append({
      actor,
      ...(name ? { actorName: name.slice(0, 200) } : {}),
      action: 'scan_requested',
      subject: { namespace },
      outcome: 'queued',
      details: { channel: who.channelId },
    });
    const { jobId } = await deps.queue.enqueueScan({ namespace, trigger: 'slash', requestedBy: who.userId, responseUrl: who.responseUrl });
    log.info({ jobId }, 'scan queued');
  } catch (err) {
    log.error({ err: errorMessage(err) }, 'scan could not be queued');
    await respond({ response_type: 'ephemeral', replace_original: false, text: `Scan of ${escapeMrkdwn(namespace)} not started: ${unavailable(err)}` });
  }
}

/** `/sre audit checkpoint`: the chain's head posted to the audit channel, by an approver. */
async function checkpoint(deps: SlackHandlerDeps, who: Invocation): Promise<string> {
  const userName = await userDisplayName(deps, who.userId, who.userName || undefined);
  const outcome = await requestCheckpoint(
    {
      audit: deps.audit, notifier: deps.notifier, channel: deps.auditChannelId, clock: deps.clock, logger: deps.logger,
      cluster: deps.cluster, policies: deps.policies, locks: deps.store,
    },
    { userId: who.userId, userName, channel: who.channelId },
  );
  if (!outcome.ok) return outcome.message;
  const c = outcome.checkpoint;
  return `Audit checkpoint posted in <#${c.ref.channel}>: seq ${c.seq}, hash \`${c.hash}\`. \`kube-ai-sre audit verify --against-slack\` checks the trail against it.`;
}

export function registerCommands(app: App, deps: SlackHandlerDeps, commandName = SRE_COMMAND): void {
  app.command(commandName, async ({ ack, command, respond }) => {
    const who: Invocation = {
      command: typeof command.command === 'string' ? command.command : commandName,
      userId: String(command.user_id ?? ''),
      userName: String(command.user_name ?? ''),
      channelId: String(command.channel_id ?? ''),
      responseUrl: String(command.response_url ?? ''),
    };
    const typed = typeof command.text === 'string' ? command.text : '';
    const cmd = parseCommand(typed);
    const log = deps.logger.child({ command: cmd.type, userId: who.userId, channel: who.channelId });

    if (cmd.type === 'help' || cmd.type === 'invalid') {
      const help = renderHelp({ command: who.command, ...(cmd.type === 'invalid' ? { notice: cmd.problem } : {}) });
      await ack({ response_type: 'ephemeral', ...slackMessage(help) });
      return;
    }
    if (cmd.type === 'scan') {
      await ack({ response_type: 'ephemeral', text: `Scanning ${escapeMrkdwn(cmd.namespace)}… new incidents go to the incident channel; the summary comes here.` });
      await startScan(deps, cmd.namespace, who, respond);
      return;
    }

    await ack();
    let text: string;
    try {
      text = cmd.type === 'audit_checkpoint' ? await checkpoint(deps, who) : await answer(deps, cmd);
    } catch (err) {
      log.error({ err: errorMessage(err) }, 'command failed');
      text = unavailable(err);
    }
    try {
      await respond({ response_type: 'ephemeral', replace_original: false, text });
    } catch (err) {
      log.warn({ err: errorMessage(err) }, 'command reply could not be delivered');
    }
  });
}
