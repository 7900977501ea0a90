// Ollama: one real chat call, limited to one output token, answers within OLLAMA_TIMEOUT_MS; its
// latency is shown. Slower than half the timeout is a warning: a full diagnosis is much longer.
import { isAppError } from '../../core/errors.ts';
import { fail, ok, skip, warn, type CheckResult } from '../../core/doctor/check.ts';
import { errorText, type DoctorContext } from './doctor-context.ts';

const BASE = { id: 'ollama.chat', area: 'ollama', title: 'test call' } as const;

export async function checkOllamaChat(ctx: Pick<DoctorContext, 'config' | 'ollama'>, modelPulled: boolean): Promise<CheckResult> {
  if (!modelPulled) return skip(BASE, 'needs the chat model pulled');
  const { OLLAMA_MODEL: model, OLLAMA_TIMEOUT_MS: timeoutMs } = ctx.config;
  try {
    const { latencyMs } = await ctx.ollama.oneToken(model, timeoutMs);
    const detail = `${model} answered a one-token request in ${latencyMs} ms`;
    if (latencyMs > timeoutMs / 2) {
      return warn(BASE, `${detail}, over half of OLLAMA_TIMEOUT_MS (${timeoutMs} ms)`, 'raise OLLAMA_TIMEOUT_MS, use a smaller model, or give Ollama a GPU', { latencyMs });
    }
    return ok(BASE, detail, { latencyMs });
  } catch (err) {
    const fix = isAppError(err, 'llm_timeout')
      ? `no answer within OLLAMA_TIMEOUT_MS (${timeoutMs} ms): raise it, use a smaller model, or give Ollama a GPU`
      : isAppError(err, 'llm_model_missing')
        ? `ollama pull ${model}`
        : 'read the Ollama server\'s log (the model may not fit in memory)';
    return fail(BASE, `${model}: ${errorText(err)}`, fix);
  }
}
