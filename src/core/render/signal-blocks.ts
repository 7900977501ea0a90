// The incident message's Prometheus signals: one small context block with the warnings (CPU
// throttling, memory near its limit, pressure, network errors, node conditions) of the window
// before the incident. No block when there are none, so messages without Prometheus are unchanged.
import type { IncidentReport } from '../model.ts';
import { warningSignals } from '../signals/signal.ts';
import type { Block } from './block-kit.ts';
import { escapeMrkdwn, truncate } from './escape.ts';

export const SIGNALS_BLOCK_ID = 'incident_signals';
const SHOWN = 5;

export function signalBlocks(r: Pick<IncidentReport, 'signals'>): Block[] {
  const warnings = warningSignals(r.signals);
  if (warnings.length === 0) return [];
  const lines = warnings.slice(0, SHOWN).map((s) => `• ${escapeMrkdwn(truncate(s.text.replace(/\s+/g, ' '), 240))}`);
  if (warnings.length > SHOWN) lines.push(`_… ${warnings.length - SHOWN} more_`);
  return [{ type: 'context', block_id: SIGNALS_BLOCK_ID, elements: [{ type: 'mrkdwn', text: ['📈 *Signals from Prometheus*', ...lines].join('\n') }] }];
}
