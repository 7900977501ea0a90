// Ollama: the chat model (OLLAMA_MODEL) is pulled.
import { fail, ok, skip, type CheckResult } from '../../core/doctor/check.ts';
import type { DoctorContext } from './doctor-context.ts';
import { isInstalled } from './installed-model.ts';

const BASE = { id: 'ollama.model', area: 'ollama', title: 'chat model' } as const;

export function checkOllamaChatModel(ctx: Pick<DoctorContext, 'config'>, installed: readonly string[] | undefined): CheckResult {
  if (!installed) return skip(BASE, 'needs a reachable Ollama');
  const model = ctx.config.OLLAMA_MODEL;
  if (isInstalled(installed, model)) return ok(BASE, `${model} is pulled`);
  return fail(BASE, `${model} is not pulled (installed: ${installed.join(', ') || 'none'})`, `ollama pull ${model}`);
}
