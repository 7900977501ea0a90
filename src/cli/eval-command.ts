// `kube-ai-sre eval`: scores local models on the labelled incidents shipped in eval/cases, with
// the agent's own request (prompt, JSON schema, options, keep_alive) and parser, and prints a
// scorecard per model (or JSON). Progress goes to stderr, the scorecard to stdout.
import { parseArgs } from 'node:util';
import type { EvalCase } from '../core/eval/case.ts';
import { renderEvalScorecard } from '../core/eval/scorecard.ts';
import { isAppError } from '../core/errors.ts';
import type { PolicySet } from '../core/policy/schema.ts';
import type { LlmClient, Logger } from '../ports.ts';
import { evaluateModels } from '../usecases/eval-models.ts';
import { EVAL_USAGE } from './eval-usage.ts';
import { EXIT, exitCodeFor } from './exit-codes.ts';


export interface EvalCommandDeps {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** OLLAMA_MODEL: evaluated when --models is not given. */
  defaultModel: string;
  defaultCasesPath: string;
  /** The agent's client for one model; `timeoutMs` overrides OLLAMA_TIMEOUT_MS when given. */
  llmFor: (model: string, timeoutMs: number | undefined) => LlmClient;
  loadCases: (path: string) => Promise<EvalCase[]>;
  policies: () => Promise<PolicySet>;
  logger: Logger;
}

const MODEL = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,199}$/;

function parse(argv: string[], deps: EvalCommandDeps):
  | { models: string[]; cases: string; repeat: number; timeoutMs: number | undefined; json: boolean }
  | { problems: string[] } {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        models: { type: 'string' }, cases: { type: 'string' }, repeat: { type: 'string' },
        'timeout-ms': { type: 'string' }, json: { type: 'boolean' },
      },
    }));
  } catch (err) {
    return { problems: [(err as Error).message] };
  }
  const problems: string[] = [];
  const models = typeof values.models === 'string' ? values.models.split(',').map((m) => m.trim()).filter(Boolean) : [deps.defaultModel];
  if (models.length === 0) problems.push('--models needs at least one model name');
  for (const m of models) if (!MODEL.test(m)) problems.push(`--models: "${m.slice(0, 60)}" is not a model name`);
  if (new Set(models).size !== models.length) problems.push('--models lists a model twice');
  const repeat = values.repeat === undefined ? 1 : Number(values.repeat);
  if (!Number.isInteger(repeat) || repeat < 1 || repeat > 20) problems.push('--repeat takes a whole number from 1 to 20');
  const timeout = values['timeout-ms'] === undefined ? undefined : Number(values['timeout-ms']);
  if (timeout !== undefined && (!Number.isInteger(timeout) || timeout < 1000 || timeout > 600_000)) problems.push('--timeout-ms takes milliseconds from 1000 to 600000');
  if (problems.length) return { problems };
  return { models, cases: typeof values.cases === 'string' ? values.cases : deps.defaultCasesPath, repeat, timeoutMs: timeout, json: values.json === true };
}

export async function runEvalCommand(argv: string[], deps: EvalCommandDeps): Promise<number> {
  const args = parse(argv, deps);
  if ('problems' in args) {
    deps.stderr(`${args.problems.map((p) => `error: ${p}`).join('\n')}\nusage:\n${EVAL_USAGE}`);
    return EXIT.usage;
  }
  let cases: EvalCase[];
  let policies: PolicySet;
  try {
    [cases, policies] = await Promise.all([deps.loadCases(args.cases), deps.policies()]);
  } catch (err) {
    deps.stderr(isAppError(err) ? err.message : `error: ${(err as Error).message}`);
    return isAppError(err) ? exitCodeFor(err.code) : EXIT.internal;
  }
  deps.stderr(`evaluating ${args.models.join(', ')} on ${cases.length} case${cases.length === 1 ? '' : 's'}${args.repeat > 1 ? ` × ${args.repeat}` : ''}…`);
  const card = await evaluateModels(
    {
      llmFor: (model) => deps.llmFor(model, args.timeoutMs),
      policies,
      logger: deps.logger,
      onAnswer: (model, score, done, total) =>
        deps.stderr(`[${done}/${total}] ${model} ${score.caseId}: ${score.outcome}${score.outcome === 'ok' ? `, root cause ${score.rootCauseHit ? 'hit' : 'missed'}` : ''} (${(score.latencyMs / 1000).toFixed(1)} s)`),
    },
    { models: args.models, cases, repeat: args.repeat },
  );
  deps.stdout(args.json ? JSON.stringify(card, null, 2) : renderEvalScorecard(card));
  // Nothing answered at all: Ollama is not there (or no model is pulled), which the scorecard shows too.
  const calls = card.models.flatMap((m) => Object.entries(m.failures));
  const runs = card.models.reduce((n, m) => n + m.runs, 0);
  const unreachable = calls.filter(([code]) => code === 'llm_unreachable' || code === 'llm_timeout').reduce((n, [, k]) => n + k, 0);
  if (runs > 0 && unreachable === runs) {
    deps.stderr('error: no model answered: is Ollama running at OLLAMA_HOST?');
    return EXIT.llmUnavailable;
  }
  return EXIT.ok;
}
