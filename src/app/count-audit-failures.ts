// Counts audit entries that could not be appended (Redis down, out of memory, read-only replica)
// by the action they would have recorded, so an alert can say the trail has a gap; the failure
// itself still reaches the caller, which decides whether to retry, refuse or report it.
import type { LabeledCounter } from '../adapters/http/metrics.ts';
import type { AuditLog } from '../ports.ts';

export function countAuditFailures(audit: AuditLog, failures: LabeledCounter<'action'>): AuditLog {
  return new Proxy(audit, {
    get(target, prop, receiver) {
      if (prop === 'append') {
        const append: AuditLog['append'] = async (entry) => {
          try {
            return await target.append(entry);
          } catch (err) {
            failures.inc({ action: entry.action });
            throw err;
          }
        };
        return append;
      }
      const value: unknown = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
