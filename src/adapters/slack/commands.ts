// `/sre …`: every command is acked at once (Slack allows 3 s); a scan goes to the job queue and
// answers later through the response_url; reads from Redis answer through respond(). Everything
// the user sees is ephemeral, and nothing a user types can crash the listener.
import type { App, RespondFn } from '@slack/bolt';
import { AppError, isAppError } from '../../core/errors.ts';
import type { ClusterRef } from '../../core/cluster/cluster-ref.ts';
import type { ScanRoute } from '../../core/cluster/route-scan.ts';
import { clustersReply, scanRouteRefusal } from '../../core/render/cluster-replies.ts';
import { findScanRoute } from '../../usecases/find-scan-route.ts';
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
    case 'clusters':
      if (!deps.clusters) return deps.self ? `This agent watches cluster \`${escapeMrkdwn(deps.self.name)}\` and keeps no heartbeats of others.` : 'This agent keeps no cluster heartbeats.';
      return clustersReply(await deps.clusters.list());
  }
}

async function startScan(deps: SlackHandlerDeps, namespace: string, cluster: ClusterRef | undefined, who: Invocation, respond: RespondFn): Promise<void> {
  const log = deps.logger.child({ command: 'scan', namespace, cluster: cluster?.name, userId: who.userId });
  try {
    const actor = auditActor(who.userId);
    const name = await userDisplayName(deps, who.userId, who.userName || undefined);
    await deps.audit.append({
      actor,
      ...(name ? { actorName: name.slice(0, 200) } : {}),
      action: 'scan_requested',
      subject: { namespace, ...(cluster?.name ? { cluster: cluster.name } : {}) },
      outcome: 'queued',
      details: { channel: who.channelId },
    });
    const job = { namespace, trigger: 'slash' as const, requestedBy: who.userId, responseUrl: who.responseUrl };
    const { jobId } = cluster?.name ? await deps.queue.enqueueScan(job, cluster) : await deps.queue.enqueueScan(job);
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

const ROUTE_WAIT_MS = 1_500;

/** The route, or the error that kept it from being found (a Redis that does not answer in time). */
async function withinAck(lookup: Promise<ScanRoute>): Promise<ScanRoute | { ok: false; error: unknown }> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<{ ok: false; error: unknown }>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, error: new AppError('store_unavailable', 'cluster heartbeats did not answer in time') }), ROUTE_WAIT_MS);
  });
  try {
    return await Promise.race([lookup.catch((error: unknown) => ({ ok: false as const, error })), late]);
  } finally {
    clearTimeout(timer);
  }
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
      // Routing reads Redis, so it is bounded: Slack wants the ack within 3 s.
      const route = await withinAck(findScanRoute(deps, { namespace: cmd.namespace, ...(cmd.cluster !== undefined ? { cluster: cmd.cluster } : {}) }));
      if (!route.ok) {
        const text = 'reason' in route ? scanRouteRefusal(route, who.command) : `Scan of ${escapeMrkdwn(cmd.namespace)} not started: ${unavailable(route.error)}`;
        log.info({ reason: 'reason' in route ? route.reason : 'lookup_failed', cluster: cmd.cluster }, 'scan not routed');
        await ack({ response_type: 'ephemeral', text });
        return;
      }
      // A named cluster is named back, so it is plain which agent runs the scan.
      const where = route.cluster.named ? `${escapeMrkdwn(cmd.namespace)} in cluster ${escapeMrkdwn(route.cluster.name)}` : escapeMrkdwn(cmd.namespace);
      await ack({ response_type: 'ephemeral', text: `Scanning ${where}… new incidents go to the incident channel; the summary comes here.` });
      await startScan(deps, cmd.namespace, route.cluster, who, respond);
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
