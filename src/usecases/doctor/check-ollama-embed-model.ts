// Ollama: the embedding model (OLLAMA_EMBED_MODEL) is pulled; without it similar past incidents
// are not shown, and nothing else changes.
import { ok, skip, warn, type CheckResult } from '../../core/doctor/check.ts';
import type { DoctorContext } from './doctor-context.ts';
import { isInstalled } from './installed-model.ts';

const BASE = { id: 'ollama.embed-model', area: 'ollama', title: 'embedding model' } as const;

export function checkOllamaEmbedModel(ctx: Pick<DoctorContext, 'config'>, installed: readonly string[] | undefined): CheckResult {
  if (!installed) return skip(BASE, 'needs a reachable Ollama');
  const model = ctx.config.OLLAMA_EMBED_MODEL;
  if (isInstalled(installed, model)) return ok(BASE, `${model} is pulled`);
  return warn(BASE, `${model} is not pulled: similar past incidents are not shown`, `ollama pull ${model}`);
}
