// Configuration: the environment `npm start` reads, validated by the same schema.
import { fail, ok, type CheckResult } from '../../core/doctor/check.ts';
import type { DoctorContext } from './doctor-context.ts';

const BASE = { id: 'config.env', area: 'config', title: 'environment' } as const;

export function checkConfig(ctx: Pick<DoctorContext, 'config' | 'configProblems'>): CheckResult {
  if (ctx.configProblems.length > 0) {
    return fail(BASE, `${ctx.configProblems.length} problem${ctx.configProblems.length === 1 ? '' : 's'}: ${ctx.configProblems.join('; ')}`,
      'correct the variables named (README, Configuration); the other checks use defaults for them meanwhile');
  }
  const c = ctx.config;
  const mode = !c.SLACK_BOT_TOKEN ? 'no Slack' : c.SLACK_APP_TOKEN ? 'Slack Socket Mode' : 'Slack HTTP mode';
  const namespaces = c.SCAN_NAMESPACES.length > 0 ? `namespaces ${c.SCAN_NAMESPACES.join(', ')}` : 'every namespace';
  const llm = c.LLM_ENABLED ? `LLM ${c.OLLAMA_MODEL}` : 'LLM off';
  return ok(BASE, `valid: ${mode}, ${namespaces}, ${llm}, Redis key prefix "${c.KEY_PREFIX}"`);
}
