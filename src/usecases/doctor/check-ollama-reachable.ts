// Ollama: the server answers (when the LLM is enabled).
import { fail, ok, skip, type CheckResult } from '../../core/doctor/check.ts';
import { errorText, invalidVariable, type DoctorContext } from './doctor-context.ts';

const BASE = { id: 'ollama.reachable', area: 'ollama', title: 'server' } as const;

export async function checkOllamaReachable(ctx: Pick<DoctorContext, 'config' | 'invalid' | 'ollama'>): Promise<{ result: CheckResult; up: boolean }> {
  const bad = invalidVariable(ctx, 'OLLAMA_HOST', 'LLM_ENABLED');
  if (bad) return { result: skip(BASE, `${bad} is invalid (see configuration)`), up: false };
  if (!ctx.config.LLM_ENABLED) return { result: skip(BASE, 'LLM_ENABLED=false: diagnoses are rule-based'), up: false };
  try {
    const version = await ctx.ollama.version();
    return { result: ok(BASE, `Ollama ${version} at ${ctx.ollama.host}`), up: true };
  } catch (err) {
    return {
      result: fail(BASE, `${ctx.ollama.host}: ${errorText(err)}`,
        'start Ollama (`ollama serve`) or point OLLAMA_HOST at it; meanwhile reports are rule-based (LLM_ENABLED=false says that is intended)'),
      up: false,
    };
  }
}
