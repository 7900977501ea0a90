// `kube-ai-sre doctor`: every check of the setup, each system's checks in order (a later check
// uses what an earlier one found), the systems side by side. Reads only; never throws: a check
// that breaks is reported as failed.
import { fail, inChecklistOrder, type CheckArea, type CheckResult } from '../../core/doctor/check.ts';
import { checkAlertmanagerReceiver } from './check-alertmanager-receiver.ts';
import { checkConfig } from './check-config.ts';
import { checkKubeConfig } from './check-kube-config.ts';
import { checkKubeMetrics } from './check-kube-metrics.ts';
import { checkKubeNamespaces } from './check-kube-namespaces.ts';
import { checkKubeReachable } from './check-kube-reachable.ts';
import { checkKubeReads } from './check-kube-reads.ts';
import { checkKubeWrites } from './check-kube-writes.ts';
import { checkOllamaChat } from './check-ollama-chat.ts';
import { checkOllamaChatModel } from './check-ollama-chat-model.ts';
import { checkOllamaEmbedModel } from './check-ollama-embed-model.ts';
import { checkOllamaReachable } from './check-ollama-reachable.ts';
import { checkPoliciesApprovers } from './check-policies-approvers.ts';
import { checkPrometheusReachable } from './check-prometheus-reachable.ts';
import { checkPrometheusSeries } from './check-prometheus-series.ts';
import { checkPoliciesValid } from './check-policies-valid.ts';
import { checkRedisEviction } from './check-redis-eviction.ts';
import { checkRedisPersistence } from './check-redis-persistence.ts';
import { checkRedisReachable } from './check-redis-reachable.ts';
import { checkRedisSentinel } from './check-redis-sentinel.ts';
import { checkSlackChannel } from './check-slack-channel.ts';
import { checkSlackMode } from './check-slack-mode.ts';
import { checkSlackScopes } from './check-slack-scopes.ts';
import { checkSlackToken } from './check-slack-token.ts';
import { errorText, type DoctorContext } from './doctor-context.ts';
import type { SlackIdentity } from './probes.ts';

async function guarded(area: CheckArea, run: () => Promise<CheckResult[]>): Promise<CheckResult[]> {
  try {
    return await run();
  } catch (err) {
    return [fail({ id: `${area}.internal`, area, title: 'doctor' }, `the check itself failed: ${errorText(err)}`, 'report this as a bug, with the line above')];
  }
}

export async function runDoctor(ctx: DoctorContext): Promise<CheckResult[]> {
  let identity: Promise<SlackIdentity | undefined> = Promise.resolve(undefined);

  const slack = guarded('slack', async () => {
    const token = checkSlackToken(ctx);
    identity = token.then((t) => t.identity);
    const { result, identity: me } = await token;
    return [result, checkSlackScopes(me, ctx.config.SLACK_CHANNEL_ID), await checkSlackChannel(ctx, me), await checkSlackMode(ctx)];
  });

  const kubernetes = guarded('kubernetes', async () => {
    const config = checkKubeConfig(ctx);
    const reachable = await checkKubeReachable(config.probe);
    const probe = reachable.result.status === 'ok' ? config.probe : undefined;
    return [
      config.result,
      reachable.result,
      await checkKubeNamespaces(ctx, probe),
      await checkKubeReads(ctx, probe, reachable.user),
      await checkKubeWrites(ctx, probe, reachable.user),
      await checkKubeMetrics(ctx, probe),
    ];
  });

  const redis = guarded('redis', async () => {
    try {
      const { result, facts } = await checkRedisReachable(ctx);
      const sentinel = await checkRedisSentinel(ctx);
      return [result, checkRedisPersistence(facts), checkRedisEviction(facts), ...(sentinel ? [sentinel] : [])];
    } finally {
      await ctx.redis.close();
    }
  });

  const ollama = guarded('ollama', async () => {
    const reachable = await checkOllamaReachable(ctx);
    // LLM_ENABLED=false: one line says so; nothing else about Ollama matters.
    if (reachable.result.status === 'skip') return [reachable.result];
    if (!reachable.up) return [reachable.result, checkOllamaChatModel(ctx, undefined), checkOllamaEmbedModel(ctx, undefined), await checkOllamaChat(ctx, false)];
    let installed: string[] | undefined;
    let listFailure: CheckResult | undefined;
    try {
      installed = await ctx.ollama.models();
    } catch (err) {
      listFailure = fail({ id: 'ollama.model', area: 'ollama', title: 'chat model' }, `cannot list models: ${errorText(err)}`, 'read the Ollama server\'s log');
    }
    const chatModel = listFailure ?? checkOllamaChatModel(ctx, installed);
    return [reachable.result, chatModel, checkOllamaEmbedModel(ctx, installed), await checkOllamaChat(ctx, chatModel.status === 'ok')];
  });

  const prometheus = guarded('prometheus', async () => {
    const reachable = await checkPrometheusReachable(ctx);
    if (reachable.status === 'skip' && !ctx.prometheus) return [reachable];
    return [reachable, await checkPrometheusSeries(ctx, reachable.status === 'ok')];
  });

  const alertmanager = guarded('alertmanager', async () => [await checkAlertmanagerReceiver(ctx)]);

  const policies = guarded('policies', async () => {
    const valid = await checkPoliciesValid(ctx);
    // Approvers are looked up in Slack only with a token that works.
    const slackProbe = (await identity) ? ctx.slack : undefined;
    return [valid.result, await checkPoliciesApprovers(valid.policies, slackProbe)];
  });

  const results = await Promise.all([[checkConfig(ctx)], await slack, await kubernetes, await redis, await ollama, await prometheus, await alertmanager, await policies]);
  return inChecklistOrder(results.flat());
}
