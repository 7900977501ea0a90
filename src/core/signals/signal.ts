// Signals read from Prometheus around an incident: CPU throttling, memory, pressure stall
// information, network errors and node conditions of the container, its pod and its node in the
// window before the incident. Stored with the report, shown in its message and given to the LLM.
import { z } from 'zod';

export const SignalIdSchema = z.enum([
  'cpu_throttling',
  'memory_peak',
  'memory_growth',
  'cpu_pressure',
  'memory_pressure',
  'io_pressure',
  'network_receive_errors',
  'network_transmit_errors',
  'node_condition',
  'node_memory_pressure',
  'earlier_termination',
]);
export type SignalId = z.infer<typeof SignalIdSchema>;

export const SignalSchema = z.object({
  id: SignalIdSchema,
  scope: z.enum(['container', 'pod', 'node']),
  /** `warning`: past its threshold, worth a person's attention; `info`: a reading for context. */
  level: z.enum(['warning', 'info']),
  /** One sentence, e.g. "CPU throttled 78% of periods in the 10 min before the OOM". */
  text: z.string(),
  /** The figure the sentence rests on (a ratio, bytes, a count), for tests and sorting. */
  value: z.number(),
});
export type Signal = z.infer<typeof SignalSchema>;

export const IncidentSignalsSchema = z.object({
  source: z.literal('prometheus'),
  /** Length of the window that ends at `at`. */
  windowMinutes: z.number().int().positive(),
  /** End of the window: the incident's moment (its last termination), or when it was analyzed. */
  at: z.string(),
  /** Warnings first, then readings; empty when Prometheus had nothing noteworthy. */
  signals: z.array(SignalSchema),
});
export type IncidentSignals = z.infer<typeof IncidentSignalsSchema>;

/** The warnings only: what the incident message shows. */
export function warningSignals(s: IncidentSignals | undefined): Signal[] {
  return (s?.signals ?? []).filter((x) => x.level === 'warning');
}
