// Similar past incidents: embeds an incident's summary with the configured embedding model, finds
// the nearest stored ones (same workload first) and says what people decided on them. Optional by
// nature: without an embedding model, or with Redis or the model failing, it logs once and finds
// nothing — an analysis never waits on it or fails because of it.
import { rankSimilar } from '../core/similar/rank.ts';
import { approvedLimit } from '../core/recommend/approved.ts';
import { decisionText, incidentSummaryText, workloadKey } from '../core/similar/summary.ts';
import { vectorMeta } from '../core/similar/vector-meta.ts';
import type { FoundIncident, IncidentReport, SimilarIncident } from '../core/model.ts';
import type { IncidentRecords, IncidentVectors, LlmClient, Logger } from '../ports.ts';

export interface SimilarIncidentsDeps {
  /** Its embed() uses the configured embedding model; undefined when the LLM is disabled. */
  llm: LlmClient | undefined;
  vectors: IncidentVectors;
  store: IncidentRecords;
  logger: Logger;
  /** How many to return. Default 3. */
  k?: number;
  /** Lowest cosine similarity worth showing. Default 0.6 (embedding models put unrelated texts of one domain around 0.4-0.5). */
  minScore?: number;
}

export interface FindOptions {
  /** The incident itself when it is already stored (re-analysis). */
  excludeId?: string;
}

export interface SimilarIncidents {
  /** Never throws; [] when nothing similar is known or embeddings are unavailable. */
  find(found: FoundIncident | IncidentReport, opts?: FindOptions): Promise<SimilarIncident[]>;
  /** Embeds and stores the incident; call after it is posted and after a decision. Never throws. */
  index(report: IncidentReport): Promise<void>;
}

const SCORE_DECIMALS = 1000;

export function createSimilarIncidents(deps: SimilarIncidentsDeps): SimilarIncidents {
  const k = deps.k ?? 3;
  const minScore = deps.minScore ?? 0.6;
  const log = deps.logger.child({ component: 'similar-incidents' });
  // One warning per kind of trouble, not one per incident; a recovery is logged once too.
  let trouble: string | undefined;

  function degraded(what: string, code: string, message: string): void {
    if (trouble === code) {
      log.debug({ code }, `${what} skipped: ${message}`);
      return;
    }
    trouble = code;
    log.warn({ code }, `similar incidents unavailable (${what}): ${message}; analyses continue without them`);
  }

  function healthy(): void {
    if (trouble !== undefined) log.info({ was: trouble }, 'similar incidents available again');
    trouble = undefined;
  }

  async function embedOne(what: string, text: string): Promise<{ model: string; vector: number[] } | undefined> {
    if (!deps.llm?.embed) {
      degraded(what, 'embeddings_disabled', 'no embedding client configured');
      return undefined;
    }
    const result = await deps.llm.embed([text]);
    if (!result.ok) {
      degraded(what, result.code, result.message);
      return undefined;
    }
    const vector = result.embeddings[0];
    if (!vector || vector.length === 0) {
      degraded(what, 'llm_http_error', 'the embedding model returned an empty vector');
      return undefined;
    }
    return { model: result.model, vector };
  }

  function failed(what: string, err: unknown): void {
    const e = err as { code?: unknown; message?: unknown };
    degraded(what, typeof e?.code === 'string' ? e.code : 'unexpected', typeof e?.message === 'string' ? e.message : String(err));
  }

  return {
    async find(found, opts = {}) {
      try {
        const query = await embedOne('find', incidentSummaryText(found));
        if (!query) return [];
        const candidates = await deps.vectors.all(query.model);
        // Rank a few extra: incidents that expired since they were indexed drop out below.
        const ranked = rankSimilar(query.vector, candidates, {
          sameWorkload: workloadKey(found),
          k: k * 2,
          minScore,
          ...(opts.excludeId !== undefined ? { excludeId: opts.excludeId } : {}),
        });
        const out: SimilarIncident[] = [];
        for (const { meta, score } of ranked) {
          if (out.length >= k) break;
          const report = await deps.store.get(meta.id);
          if (!report) continue;
          const decision = decisionText(report);
          out.push({
            id: meta.id,
            summary: meta.summary,
            workload: meta.workload,
            lastSeen: report.lastSeen,
            score: Math.round(score * SCORE_DECIMALS) / SCORE_DECIMALS,
            ...(decision !== undefined ? { decision } : {}),
            recommendedLimit: approvedLimit(report),
          });
        }
        healthy();
        return out;
      } catch (err) {
        failed('find', err);
        return [];
      }
    },

    async index(report) {
      try {
        const embedded = await embedOne('index', incidentSummaryText(report));
        if (!embedded) return;
        await deps.vectors.put(report.id, embedded.model, embedded.vector, vectorMeta(report));
        healthy();
      } catch (err) {
        failed('index', err);
      }
    },
  };
}
