// The one Slack message per incident: what happened, why, how sure, what to change, what the
// policy says, and the Approve/Reject buttons while it is open. Every untrusted string (names,
// logs, events, LLM output) is escaped; every limit is met by cutting visibly.
import type { IncidentReport, IncidentStatus, SimilarIncident } from '../model.ts';
import { isoDay } from '../similar/summary.ts';
import { toBytes } from '../quantity.ts';
import { SLACK_LIMITS as L, type ActionsBlock, type Block, type RenderedMessage, type TextObject } from './block-kit.ts';
import { codeBlock, codeSpan, escapeMrkdwn, mention, slackDate, truncate } from './escape.ts';
import { decisionBlocks } from './decision-blocks.ts';
import { fitMessage } from './fit-message.ts';
import { steeringBlocks } from './steering-warning.ts';
import { signalBlocks } from './signal-blocks.ts';
import { approvedChange, limitName } from '../recommend/approved.ts';
import { toMillicores } from '../cpu-quantity.ts';
import { hasResourceDecision, incidentFamily, kindLabel } from '../detection/family.ts';
import { describeMuteDuration, MUTE_DURATIONS, type MuteDuration } from '../incident/attention.ts';
import { describeSource, sourceOf } from '../incident/source.ts';
import { joinedAlerts } from '../incident/joined-alerts.ts';

export const APPROVE_ACTION_ID = 'incident_approve';
export const REJECT_ACTION_ID = 'incident_reject';
export const ACKNOWLEDGE_ACTION_ID = 'incident_acknowledge';
export const MUTE_ACTION_ID = 'incident_mute';
export const UNMUTE_ACTION_ID = 'incident_unmute';

/** A mute option's value: the incident id and the duration, e.g. "crash-3f9a…-m2x|4h". */
export function muteOptionValue(incidentId: string, duration: MuteDuration): string {
  return `${incidentId}|${duration}`;
}

export function parseMuteOptionValue(value: string): { incidentId: string; duration: string } | undefined {
  const at = value.lastIndexOf('|');
  if (at <= 0 || at === value.length - 1) return undefined;
  return { incidentId: value.slice(0, at), duration: value.slice(at + 1) };
}
export const ACTIONS_BLOCK_ID = 'incident_actions';
export const SAFETY_LINE = 'Auto-remediation: disabled — a decision is recorded, nothing is changed';


const STATUS_EMOJI: Record<IncidentStatus, string> = { open: '🔴', approved: '✅', rejected: '⛔', resolved: '🟢' };

// Names are short in real clusters; these caps keep one absurd value from eating a whole block.
const NAME_MAX = 120;

const md = (text: string): TextObject => ({ type: 'mrkdwn', text });
const name = (value: string | undefined): string => (value ? codeSpan(truncate(value, NAME_MAX)) : '_none_');

export interface RenderIncidentOptions {
  /** Buttons on an open incident; false for copies shown elsewhere (thread, CLI). Default true. */
  showButtons?: boolean;
}

function header(r: IncidentReport): Block {
  // The cluster leads the place when known: one channel may serve several clusters.
  const where = r.cluster ? `${r.cluster}/${r.detection.namespace}` : r.detection.namespace;
  const text = `${STATUS_EMOJI[r.status]} ${kindLabel(r.detection.kind)}: ${r.workload.kind}/${r.workload.name} in ${where}`;
  return { type: 'header', block_id: 'incident_header', text: { type: 'plain_text', text: truncate(text, L.headerText), emoji: true } };
}

function occurrenceLabel(kind: IncidentReport['detection']['kind']): string {
  if (kind === 'EvictedMemory') return 'Evictions';
  return incidentFamily(kind) === 'memory' ? 'OOM kills' : 'Seen';
}

function whatHappened(r: IncidentReport): Block[] {
  const d = r.detection;
  const pressure = r.node?.conditions.find((c) => c.type === 'MemoryPressure' && c.status === 'True');
  const when = d.lastTerminatedAt ?? r.lastSeen;
  const exit = d.exitCode !== undefined ? ` (exit ${d.exitCode})` : '';
  const fields = [
    md(`*Pod*\n${name(d.pod)}`),
    md(`*Namespace*\n${name(d.namespace)}${r.cluster ? ` in cluster ${name(r.cluster)}` : ''}`),
    md(`*Workload*\n${name(`${r.workload.kind}/${r.workload.name}`)}`),
    md(`*Container*\n${name(d.container)} (${d.containerType})`),
    md(`*Node*\n${name(d.nodeName ?? r.node?.name)}${pressure ? ' ⚠️ MemoryPressure' : ''}`),
    md(`*${occurrenceLabel(d.kind)} / restarts*\n${r.occurrences} seen · ${d.restartCount} restart${d.restartCount === 1 ? '' : 's'}`),
    incidentFamily(d.kind) === 'cpu'
      ? md(`*CPU limit / request*\n${name(d.cpuLimit)} / ${name(d.cpuRequest)}`)
      : md(`*Memory limit / request*\n${name(d.memoryLimit)} / ${name(d.memoryRequest)}`),
    md(`*When*\n${slackDate(when)}${r.firstSeen !== when ? `\nfirst seen ${slackDate(r.firstSeen)}` : ''}`),
    md(`*Found by*\n${foundBy(r)}`),
  ];
  const blocks: Block[] = [
    {
      type: 'section',
      block_id: 'incident_what',
      text: md(`*What happened* (${incidentFamily(d.kind)}): ${escapeMrkdwn(truncate(d.reason, 200))}${exit}`),
      fields,
    },
  ];
  if (d.facts.length) {
    const facts = d.facts.slice(0, 8).map((f) => codeSpan(truncate(f, 300)));
    if (d.facts.length > 8) facts.push(`_… ${d.facts.length - 8} more_`);
    blocks.push({ type: 'context', block_id: 'incident_facts', elements: [md(facts.join(' · '))] });
  }
  return blocks;
}

function foundBy(r: IncidentReport): string {
  const { what, name: sourceName } = describeSource(sourceOf(r));
  const found = sourceName ? `${what} ${name(sourceName)}` : what;
  const alerts = joinedAlerts(r);
  return alerts.length ? `${found}\nalso alerted: ${alerts.map((a) => name(a)).join(', ')}` : found;
}

function rootCause(r: IncidentReport): Block {
  const dx = r.diagnosis;
  const causes = dx.rootCauses.slice(0, 10).map((c) => `• ${escapeMrkdwn(truncate(c.replace(/\s+/g, ' '), 400))}`);
  if (dx.rootCauses.length > 10) causes.push(`_… ${dx.rootCauses.length - 10} more_`);
  const head = `*Root cause*\n${causes.join('\n') || '_none given_'}`;
  const room = L.sectionText - head.length - 1;
  const explanation = dx.explanation.trim() ? `\n${truncate(escapeMrkdwn(dx.explanation.trim()), room)}` : '';
  return { type: 'section', block_id: 'incident_cause', text: md(head + explanation) };
}

function evidence(r: IncidentReport): Block[] {
  if (!r.diagnosis.evidence.length) return [];
  const title = '*Evidence*\n';
  return [{ type: 'section', block_id: 'incident_evidence', text: md(title + codeBlock(r.diagnosis.evidence, L.sectionText - title.length, 300)) }];
}

export function diagnosisSource(r: IncidentReport): string {
  const dx = r.diagnosis;
  if (dx.source === 'llm') return `LLM: ${dx.model ?? 'unknown model'}`;
  return `rule-based${dx.fallbackReason ? ` (${dx.fallbackReason})` : ''}`;
}

function confidence(r: IncidentReport): Block {
  const pct = Math.round(r.diagnosis.confidence * 100);
  const text = `Confidence: *${pct}%* · Source: ${escapeMrkdwn(truncate(diagnosisSource(r), 200))} · prompt ${escapeMrkdwn(truncate(r.diagnosis.promptVersion, 60))}`;
  return { type: 'context', block_id: 'incident_confidence', elements: [md(text)] };
}

function sameQuantity(a: string, b: string, resource: 'memory' | 'cpu' = 'memory'): boolean {
  const parse = resource === 'cpu' ? toMillicores : toBytes;
  const x = parse(a);
  const y = parse(b);
  return x !== undefined && y !== undefined ? x === y : a.trim() === b.trim();
}

function recommendation(r: IncidentReport): Block {
  const rec = r.recommendation;
  if (!hasResourceDecision(r.detection.kind)) {
    const text = `*Recommendation:* no resource change. A ${incidentFamily(r.detection.kind)} incident is fixed in the workload itself (its code, image, configuration or placement); the root cause above says where to look.`;
    return { type: 'section', block_id: 'incident_recommendation', text: md(text) };
  }
  const planned = approvedChange(r);
  const lines = [
    `*Recommendation* (deterministic, ${escapeMrkdwn(rec.rule)}): ${planned.resource === 'cpu' ? 'CPU ' : ''}limit ${codeSpan(rec.limit)}${rec.request ? `, request ${codeSpan(rec.request)}` : ''}`,
    ...(rec.runtimeSetting ? [`Heap setting to apply with it: ${codeSpan(truncate(rec.runtimeSetting, 60))} (in the container's args or its JAVA_TOOL_OPTIONS / NODE_OPTIONS)`] : []),
    `_${escapeMrkdwn(truncate(rec.basis, 800))}_`,
  ];
  // The model suggests a memory limit; beside a CPU recommendation it is not comparable.
  const llm = planned.resource === 'memory' ? r.diagnosis.suggestedLimit : undefined;
  if (llm && sameQuantity(llm, rec.limit)) lines.push(`LLM suggestion: ${codeSpan(truncate(llm, 40))} (agrees)`);
  else if (llm) {
    lines.push(`LLM suggestion: ${codeSpan(truncate(llm, 40))}`);
    lines.push(`⚠️ The LLM and the deterministic rule disagree; the deterministic ${codeSpan(rec.limit)} is what the policy checked.`);
  }
  if (r.verdict.clamped || !sameQuantity(planned.limit, rec.limit, planned.resource)) {
    lines.push(`Policy adjusted the limit to ${codeSpan(planned.limit)}.`);
  }
  return { type: 'section', block_id: 'incident_recommendation', text: md(lines.join('\n')) };
}

const SIMILAR_SHOWN = 5;

/** Most recent approval among similar incidents, else the most recent decision of any kind. */
function lastDecided(similar: SimilarIncident[]): SimilarIncident | undefined {
  const decided = similar.filter((s) => s.decision !== undefined);
  const newest = (list: SimilarIncident[]) =>
    list.reduce<SimilarIncident | undefined>((best, s) => (!best || (Date.parse(s.lastSeen) || 0) > (Date.parse(best.lastSeen) || 0) ? s : best), undefined);
  return newest(decided.filter((s) => s.decision!.startsWith('approved'))) ?? newest(decided);
}

function similarIncidents(r: IncidentReport): Block[] {
  const similar = r.similar ?? [];
  if (!similar.length) return [];
  const n = similar.length;
  const last = lastDecided(similar);
  const head = `🔁 *${n} similar incident${n === 1 ? '' : 's'}*${last ? `; last ${escapeMrkdwn(truncate(last.decision!, 200))} (${escapeMrkdwn(truncate(last.workload, NAME_MAX))})` : '; no decisions recorded on them'}`;
  const items = similar.slice(0, SIMILAR_SHOWN).map((s) => {
    const decision = s.decision !== undefined ? escapeMrkdwn(truncate(s.decision, 200)) : 'no decision';
    return `• ${escapeMrkdwn(isoDay(s.lastSeen))} ${codeSpan(truncate(s.workload, NAME_MAX))}: ${escapeMrkdwn(truncate(s.summary, 300))} — ${decision} · ${Math.round(s.score * 100)}% similar`;
  });
  if (n > SIMILAR_SHOWN) items.push(`_… ${n - SIMILAR_SHOWN} more_`);
  return [{ type: 'context', block_id: 'incident_similar', elements: [md([head, ...items].join('\n'))] }];
}

function policy(r: IncidentReport): Block {
  const v = r.verdict;
  const head = `*Policy* ${codeSpan(truncate(v.policyName, 80))}: ${v.allowed ? '✅ allowed' : '🚫 denied'}`;
  const reasons = v.reasons.slice(0, 15).map((x) => `• ${escapeMrkdwn(truncate(x, 300))}`);
  if (v.reasons.length > 15) reasons.push(`_… ${v.reasons.length - 15} more_`);
  return { type: 'section', block_id: 'incident_policy', text: md([head, ...reasons].join('\n')) };
}

function approvers(r: IncidentReport): string {
  const list = r.verdict.approvers;
  if (list.includes('*')) return 'anyone in this channel';
  if (!list.length) return 'nobody (the policy names no approvers)';
  const shown = list.slice(0, 10).map((a) => mention(a.trim()));
  return shown.join(', ') + (list.length > 10 ? ` and ${list.length - 10} more` : '');
}

function buttons(r: IncidentReport): Block[] {
  const { limit } = approvedChange(r);
  const target = `${r.workload.kind}/${r.workload.name}`;
  const elements: ActionsBlock['elements'] = [];
  if (r.verdict.allowed) {
    elements.push({
      type: 'button',
      action_id: APPROVE_ACTION_ID,
      style: 'primary',
      text: { type: 'plain_text', text: 'Approve', emoji: true },
      value: r.id,
      confirm: {
        title: { type: 'plain_text', text: 'Approve this change?' },
        text: { type: 'plain_text', text: truncate(`Records your approval of ${limitName(r.recommendation)} ${limit} for ${target}. Nothing in the cluster is changed.`, L.confirmText) },
        confirm: { type: 'plain_text', text: 'Approve' },
        deny: { type: 'plain_text', text: 'Cancel' },
        style: 'primary',
      },
    });
  }
  elements.push({
    type: 'button',
    action_id: REJECT_ACTION_ID,
    style: 'danger',
    text: { type: 'plain_text', text: 'Reject', emoji: true },
    value: r.id,
    confirm: {
      title: { type: 'plain_text', text: 'Reject this change?' },
      text: { type: 'plain_text', text: truncate(`Records that ${r.recommendation.resource === 'cpu' ? 'CPU' : 'memory'} for ${target} should not be changed as recommended.`, L.confirmText) },
      confirm: { type: 'plain_text', text: 'Reject' },
      deny: { type: 'plain_text', text: 'Cancel' },
      style: 'danger',
    },
  });
  const note = r.verdict.allowed
    ? `Approvers: ${approvers(r)}`
    : `Approve is unavailable: the policy denied this recommendation. Approvers: ${approvers(r)}`;
  return [
    { type: 'context', block_id: 'incident_approvers', elements: [md(note)] },
    { type: 'actions', block_id: ACTIONS_BLOCK_ID, elements },
  ];
}

// Incidents without a resource decision: Acknowledge ("someone is on it") and Mute for a while.
function attentionButtons(r: IncidentReport): Block[] {
  const elements: ActionsBlock['elements'] = [];
  if (!r.acknowledged) {
    elements.push({ type: 'button', action_id: ACKNOWLEDGE_ACTION_ID, style: 'primary', text: { type: 'plain_text', text: 'Acknowledge', emoji: true }, value: r.id });
  }
  if (r.mute) {
    elements.push({ type: 'button', action_id: UNMUTE_ACTION_ID, text: { type: 'plain_text', text: 'Unmute', emoji: true }, value: r.id });
  } else {
    elements.push({
      type: 'static_select',
      action_id: MUTE_ACTION_ID,
      placeholder: { type: 'plain_text', text: 'Mute for…', emoji: true },
      options: (Object.keys(MUTE_DURATIONS) as MuteDuration[]).map((d) => ({
        text: { type: 'plain_text', text: describeMuteDuration(d), emoji: true },
        value: muteOptionValue(r.id, d),
      })),
    });
  }
  const note = `Nothing to approve or reject: no resource change is recommended. Acknowledge or mute: ${approvers(r)}.`;
  return [
    { type: 'context', block_id: 'incident_approvers', elements: [md(note)] },
    { type: 'actions', block_id: ACTIONS_BLOCK_ID, elements },
  ];
}

/** Who acknowledged or muted it, whatever its status. */
function attention(r: IncidentReport): Block[] {
  const lines: string[] = [];
  if (r.acknowledged) lines.push(`👀 Acknowledged by ${mention(r.acknowledged.userId, r.acknowledged.userName)} on ${slackDate(r.acknowledged.at)}`);
  if (r.mute) lines.push(`🔇 Muted by ${mention(r.mute.userId, r.mute.userName)} until ${slackDate(r.mute.until)}: no posts and no analysis unless it comes back in a new form`);
  return lines.length > 0 ? [{ type: 'context', block_id: 'incident_attention', elements: [md(lines.join('\n'))] }] : [];
}

function status(r: IncidentReport, showButtons: boolean): Block[] {
  if (r.status === 'open') return showButtons ? (hasResourceDecision(r.detection.kind) ? buttons(r) : attentionButtons(r)) : [];
  const blocks: Block[] = [];
  if ((r.status === 'approved' || r.status === 'rejected') && r.decision) blocks.push(...decisionBlocks(r, r.decision));
  else if (r.decision) {
    blocks.push({
      type: 'context',
      block_id: 'incident_decision',
      elements: [md(`${r.decision.action === 'approve' ? 'Approved' : 'Rejected'} by ${mention(r.decision.userId, r.decision.userName)} on ${slackDate(r.decision.at)}`)],
    });
  }
  if (r.status === 'resolved') {
    const when = r.resolvedAt ? ` on ${slackDate(r.resolvedAt)}` : '';
    blocks.unshift({ type: 'section', block_id: 'incident_status', text: md(`🟢 *Resolved*${when}: no new ${incidentFamily(r.detection.kind)} incident for this container since.`) });
  } else if (!r.decision) {
    blocks.push({ type: 'section', block_id: 'incident_status', text: md(`*Status:* ${r.status}`) });
  }
  return blocks;
}

function fallbackText(r: IncidentReport): string {
  const d = r.detection;
  const { limit } = approvedChange(r);
  const who = r.decision && r.status !== 'open' ? ` by ${r.decision.userName ?? r.decision.userId}` : '';
  return escapeMrkdwn(
    truncate(
      `${kindLabel(d.kind)} in ${d.namespace}: ${r.workload.kind}/${r.workload.name} (pod ${d.pod}, container ${d.container}). ` +
        (hasResourceDecision(d.kind)
          ? `Recommended ${limitName(r.recommendation)} ${limit}; policy ${r.verdict.allowed ? 'allows' : 'denies'} it. `
          : `A ${incidentFamily(d.kind)} incident: no resource change recommended. `) +
        `Status: ${r.status}${who}.`,
      3000,
    ),
  );
}

export function renderIncidentMessage(report: IncidentReport, opts: RenderIncidentOptions = {}): RenderedMessage {
  const blocks: Block[] = [
    header(report),
    ...whatHappened(report),
    ...signalBlocks(report),
    ...steeringBlocks(report),
    rootCause(report),
    ...evidence(report),
    confidence(report),
    recommendation(report),
    ...similarIncidents(report),
    policy(report),
    { type: 'context', block_id: 'incident_safety', elements: [md(SAFETY_LINE)] },
    ...attention(report),
    ...status(report, opts.showButtons ?? true),
  ];
  return fitMessage({ text: fallbackText(report), blocks });
}
