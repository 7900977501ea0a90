// A follow-up question in an incident's thread, answered by the LLM with that incident's context.
// Secrets are redacted on the way to the model and on the way back; the answer is escaped so a
// model (or a question) cannot ping the channel. LLM failures never throw: the user gets a plain
// rule-based line instead. Slack or Redis failures do throw, so the job is retried.
import { AUDIT_ACTOR_SYSTEM, auditActor } from './audit-actor.ts';
import { auditSubject } from '../core/audit/subject.ts';
import { redact } from '../core/context/redact.ts';
import type { ThreadJob } from '../core/jobs.ts';
import { buildThreadMessages, incidentSummaryLine, QUESTION_MAX, THREAD_PROMPT_VERSION } from '../core/qa/thread-prompt.ts';
import { escapeMrkdwn, truncate } from '../core/render/escape.ts';
import { findSteering, type SteeringKind } from '../core/diagnosis/steering.ts';
import { threadSteeringWarning } from '../core/render/steering-warning.ts';
import type { AuditLog, ChatNotifier, Clock, IncidentRecords, IncidentThreads, LlmClient, Logger, OnceLocks } from '../ports.ts';

/** Turns the store keeps per incident; the prompt uses fewer. */
export const STORED_TURNS = 40;
export const ANSWER_MAX = 3500;

export interface AnswerThreadDeps {
  store: IncidentRecords & IncidentThreads & OnceLocks;
  llm: LlmClient | undefined;
  notifier: ChatNotifier;
  audit: AuditLog;
  clock: Clock;
  logger: Logger;
  /** Per-question LLM budget; the client's default when absent. */
  llmTimeoutMs?: number;
}

export type AnswerThreadResult =
  /** `steering`: what the answer tried (it is posted after a warning, audited and counted). */
  | { answered: 'llm'; text: string; steering?: SteeringKind[] }
  | { answered: 'fallback'; code: string; text: string }
  | { answered: 'missing_incident'; text: string }
  /** A retry of a job whose answer was already posted: nothing posted again. */
  | { answered: 'already'; text: string };

/** Retries of an answered question never post twice; kept as long as a thread is likely active. */
const ANSWERED_TTL_SECONDS = 7 * 86_400;

/** Slack sends &, < and > escaped; the model reads the text as typed. */
function unescapeSlack(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

export function llmUnavailableText(code: string, summary: string): string {
  return `The LLM is unavailable right now (${code}), so I can't answer in detail. What I know: ${summary}`;
}

export async function answerThread(deps: AnswerThreadDeps, job: ThreadJob): Promise<AnswerThreadResult> {
  const { store, notifier, audit, clock } = deps;
  const logger = deps.logger.child({ incidentId: job.incidentId, channel: job.channel, messageTs: job.messageTs });
  const where = { threadTs: job.threadTs, channel: job.channel };

  const report = await store.get(job.incidentId);
  if (!report) {
    const text = 'This incident is no longer in the store (it may have expired), so I have no context to answer with.';
    await notifier.postText(text, where);
    logger.info({}, 'thread question for a missing incident');
    return { answered: 'missing_incident', text };
  }

  // Claimed before the LLM call, released if the answer could not be posted, so a retried job
  // (a Redis blip after posting, say) neither posts twice nor stays unanswered.
  const answeredKey = `answered:${job.channel}:${job.messageTs}`;
  if (!(await store.seenOnce(answeredKey, ANSWERED_TTL_SECONDS))) {
    logger.info({}, 'thread question already answered; not posting again');
    return { answered: 'already', text: '' };
  }

  const question = redact(truncate(unescapeSlack(job.text), QUESTION_MAX)).text;
  const history = await store.turns(report.id);
  const messages = buildThreadMessages({ report, history, question });

  let outcome: AnswerThreadResult;
  let model: string | undefined;
  let latencyMs: number | undefined;
  const result = deps.llm
    ? await deps.llm.chat({ messages, ...(deps.llmTimeoutMs !== undefined ? { timeoutMs: deps.llmTimeoutMs } : {}) })
    : undefined;
  const answer = result?.ok ? redact(result.content.trim()).text : '';
  if (result?.ok && answer !== '') {
    model = result.model;
    latencyMs = result.latencyMs;
    // A hostile log line the model repeats reaches the thread too: flagged the same way as in diagnoses.
    const steering = findSteering({ texts: [answer] });
    outcome = steering.length > 0
      ? { answered: 'llm', text: `${threadSteeringWarning(steering)}\n\n${answer}`, steering }
      : { answered: 'llm', text: answer };
  } else {
    const code = result === undefined ? 'llm_disabled' : result.ok ? 'llm_empty_answer' : result.code;
    if (result && !result.ok) latencyMs = result.latencyMs;
    logger.warn({ code }, 'thread question answered without the LLM');
    outcome = { answered: 'fallback', code, text: llmUnavailableText(code, incidentSummaryLine(report)) };
  }

  // Everything posted is escaped: neither the model nor the question can ping or link.
  try {
    await notifier.postText(escapeMrkdwn(truncate(outcome.text, ANSWER_MAX)), where);
  } catch (err) {
    await store.forget(answeredKey).catch(() => undefined);
    throw err;
  }

  const at = clock.now().toISOString();
  await store.appendTurn(report.id, { role: 'user', content: question, userId: job.userId, at }, STORED_TURNS);
  await store.appendTurn(report.id, { role: 'assistant', content: truncate(outcome.text, ANSWER_MAX), at }, STORED_TURNS);
  const actor = auditActor(job.userId);
  await audit.append({
    actor,
    action: 'thread_question',
    incidentId: report.id,
    subject: auditSubject(report),
    at,
    outcome: outcome.answered === 'llm' ? 'answered' : `answered without LLM (${outcome.code})`,
    details: {
      messageTs: job.messageTs,
      threadTs: job.threadTs,
      promptVersion: THREAD_PROMPT_VERSION,
      questionChars: question.length,
      ...(actor === AUDIT_ACTOR_SYSTEM ? { userId: truncate(job.userId, 64) } : {}),
      ...(model !== undefined ? { model } : {}),
      ...(latencyMs !== undefined ? { latencyMs } : {}),
      ...(outcome.answered === 'llm' && outcome.steering ? { steering: outcome.steering.join(',') } : {}),
    },
  });
  logger.info({ answered: outcome.answered }, 'thread question answered');
  return outcome;
}
