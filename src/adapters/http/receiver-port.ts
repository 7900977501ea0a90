// What holds the Alertmanager webhook port, for doctor: nothing (the agent can listen there), the
// agent's own receiver (it answers a request without the token with its 401), or another program.
// Listening for a moment and one unauthenticated request are all it does: nothing is recorded.
import { createServer } from 'node:http';
import type { AlertmanagerProbe, ReceiverPortState } from '../../usecases/doctor/probes.ts';
import { listen } from './listen.ts';

/** The receiver's 401 names the variable its token comes from; no other program says that. */
const RECEIVER_REFUSAL = /ALERTMANAGER_TOKEN/;

export async function probeReceiverPort(port: number, opts: { host?: string; timeoutMs?: number } = {}): Promise<ReceiverPortState> {
  try {
    const listening = await listen(createServer(), port, opts.host);
    await listening.close();
    return { state: 'free' };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    if (code !== 'EADDRINUSE') return { state: 'denied', error: `${code}: ${(err as Error).message}` };
  }
  try {
    const res = await fetch(`http://127.0.0.1:${port}/alertmanager`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}', signal: AbortSignal.timeout(opts.timeoutMs ?? 3_000),
    });
    const text = await res.text();
    return res.status === 401 && RECEIVER_REFUSAL.test(text) ? { state: 'receiver' } : { state: 'taken', answer: `it answered HTTP ${res.status}` };
  } catch (err) {
    return { state: 'taken', answer: `it gave no HTTP answer (${(err as Error).message})` };
  }
}

export function createAlertmanagerProbe(port: number, host?: string): AlertmanagerProbe {
  return { port, portState: () => probeReceiverPort(port, host !== undefined ? { host } : {}) };
}
