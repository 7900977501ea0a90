// `/sre stats`: the model scorecard over every incident the store still remembers.
import { computeScorecard, renderScorecard } from '../core/stats/scorecard.ts';
import type { Clock, IncidentHistoryIndex } from '../ports.ts';

export interface ScorecardDeps {
  store: IncidentHistoryIndex;
  clock: Clock;
  /** Most incidents read (newest first). Default 5000. */
  limit?: number;
}

/** The text for `/sre stats`; store errors (AppError `store_unavailable`) propagate to the caller. */
export function createScorecard(deps: ScorecardDeps): () => Promise<string> {
  const limit = deps.limit ?? 5000;
  return async () => {
    const reports = await deps.store.listRecent(limit);
    return renderScorecard(computeScorecard(reports, { now: deps.clock.now().toISOString() }));
  };
}
