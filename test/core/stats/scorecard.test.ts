import { describe, expect, it } from 'vitest';
import type { IncidentReport } from '../../../src/core/model.ts';
import { computeScorecard, formatDuration, median, percentile, renderScorecard, type ScorecardRow } from '../../../src/core/stats/scorecard.ts';
import { incidentReport } from '../../fixtures/incidents/report.ts';

const FIRST_SEEN = '2026-11-02T10:00:00Z';
const minutes = (n: number) => new Date(Date.parse(FIRST_SEEN) + n * 60_000).toISOString();
let n = 0;

/** One incident diagnosed by `model` (or the rules), decided `decidedAfterMin` minutes after detection. */
function incident(model: string | 'rules', opts: { prompt?: string; latencyMs?: number; action?: 'approve' | 'reject'; decidedAfterMin?: number; fallback?: string } = {}): IncidentReport {
  n += 1;
  const base = incidentReport();
  const diagnosis: IncidentReport['diagnosis'] = model === 'rules'
    ? { ...base.diagnosis, source: 'rule-based', model: undefined, promptVersion: opts.prompt ?? 'rules-v1', fallbackReason: opts.fallback ?? 'llm_timeout', latencyMs: opts.latencyMs }
    : { ...base.diagnosis, source: 'llm', model, promptVersion: opts.prompt ?? 'diagnosis-v1', latencyMs: opts.latencyMs };
  return incidentReport({
    id: `inc-${n}`,
    firstSeen: FIRST_SEEN,
    diagnosis,
    ...(opts.action
      ? { status: opts.action === 'approve' ? 'approved' : 'rejected', decision: { action: opts.action, userId: 'U0SREALICE', at: minutes(opts.decidedAfterMin ?? 0) } }
      : {}),
  });
}

describe('median and percentile', () => {
  it.each([
    [[], undefined, undefined],
    [[7], 7, 7],
    [[3, 1, 2], 2, 3],
    [[4, 1, 3, 2], 2.5, 4],
    [Array.from({ length: 100 }, (_, i) => i + 1), 50.5, 95],
    [Array.from({ length: 20 }, (_, i) => (i + 1) * 10), 105, 190],
  ])('%j → median %s, p95 %s', (values, med, p95) => {
    expect(median(values)).toBe(med);
    expect(percentile(values, 95)).toBe(p95);
  });
});

describe('computeScorecard', () => {
  const reports = [
    incident('mistral', { latencyMs: 1000, action: 'approve', decidedAfterMin: 10 }),
    incident('mistral', { latencyMs: 3000, action: 'approve', decidedAfterMin: 30 }),
    incident('mistral', { latencyMs: 10_000, action: 'reject', decidedAfterMin: 20 }),
    incident('mistral', { latencyMs: 2000 }),
    incident('llama3.1:8b', { latencyMs: 700, action: 'reject', decidedAfterMin: 5 }),
    incident('llama3.1:8b', { latencyMs: 500, action: 'approve', decidedAfterMin: 125 }),
    incident('rules', { fallback: 'llm_timeout', latencyMs: 30_000, action: 'approve', decidedAfterMin: 60 }),
    incident('rules', { fallback: 'llm_timeout', latencyMs: 30_000 }),
    incident('rules', { fallback: 'llm_invalid_json', latencyMs: 4000 }),
    incident('rules', { fallback: 'llm_disabled' }),
    incident('mistral', { prompt: 'diagnosis-v2', latencyMs: 1500 }),
  ];
  const card = computeScorecard(reports, { now: '2026-11-05T12:00:00Z' });
  const row = (model: string, prompt: string): ScorecardRow | undefined => card.rows.find((r) => r.model === model && r.promptVersion === prompt);

  it('has one row per model and prompt version, most incidents first', () => {
    expect(card.rows.map((r) => [r.model, r.promptVersion, r.incidents])).toEqual([
      ['mistral', 'diagnosis-v1', 4],
      ['rule-based', 'rules-v1', 4],
      ['llama3.1:8b', 'diagnosis-v1', 2],
      ['mistral', 'diagnosis-v2', 1],
    ]);
    expect(card.incidents).toBe(11);
    expect(card.since).toBe(FIRST_SEEN);
  });

  it.each<[string, string, Partial<ScorecardRow>]>([
    ['mistral', 'diagnosis-v1', {
      approved: 2, rejected: 1, undecided: 1, approvalRate: 2 / 3, fallbacks: {},
      latencyMedianMs: 2500, latencyP95Ms: 10_000, timeToDecisionMedianMs: 20 * 60_000,
    }],
    ['llama3.1:8b', 'diagnosis-v1', {
      approved: 1, rejected: 1, undecided: 0, approvalRate: 0.5,
      latencyMedianMs: 600, latencyP95Ms: 700, timeToDecisionMedianMs: 65 * 60_000,
    }],
    ['rule-based', 'rules-v1', {
      approved: 1, rejected: 0, undecided: 3, approvalRate: 1,
      fallbacks: { llm_timeout: 2, llm_invalid_json: 1, llm_disabled: 1 },
      latencyMedianMs: 30_000, latencyP95Ms: 30_000, timeToDecisionMedianMs: 60 * 60_000,
    }],
  ])('counts %s (%s)', (model, prompt, expected) => {
    expect(row(model, prompt)).toMatchObject(expected);
  });

  it('leaves rates and times out when there is nothing to measure', () => {
    const v2 = row('mistral', 'diagnosis-v2')!;
    expect(v2.approvalRate).toBeUndefined();
    expect(v2.timeToDecisionMedianMs).toBeUndefined();
    expect(v2.latencyMedianMs).toBe(1500);
    const bare = computeScorecard([incident('rules', { fallback: 'llm_disabled' })], { now: FIRST_SEEN }).rows[0]!;
    expect(bare.latencyMedianMs).toBeUndefined();
    expect(bare.latencyP95Ms).toBeUndefined();
  });

  it('ignores a decision time before detection (clock skew) rather than count a negative wait', () => {
    const skewed = incident('mistral', { action: 'approve', decidedAfterMin: -5 });
    const r = computeScorecard([skewed], { now: FIRST_SEEN }).rows[0]!;
    expect(r.approved).toBe(1);
    expect(r.timeToDecisionMedianMs).toBeUndefined();
  });

  it('is empty for no incidents', () => {
    expect(computeScorecard([], { now: FIRST_SEEN })).toEqual({ now: FIRST_SEEN, incidents: 0, rows: [], families: {} });
  });
});

describe('renderScorecard', () => {
  it('shows counts, rates, latencies, waits and fallbacks per model', () => {
    const text = renderScorecard(computeScorecard([
      incident('mistral', { latencyMs: 8400, action: 'approve', decidedAfterMin: 14 }),
      incident('mistral', { latencyMs: 21_000, action: 'reject', decidedAfterMin: 30 }),
      incident('mistral', { latencyMs: 9000, action: 'approve', decidedAfterMin: 10 }),
      incident('rules', { fallback: 'llm_timeout', latencyMs: 30_000 }),
    ], { now: '2026-11-05T12:00:00Z' }));
    expect(text).toBe([
      '*Model scorecard* — 4 incidents since 2026-11-02 (as of 2026-11-05)',
      'By family: memory 4',
      '',
      '*mistral* · prompt `diagnosis-v1`',
      '3 incidents · 2 approved · 1 rejected · 0 undecided · approval 67%',
      'LLM latency median 9.0 s · p95 21.0 s · detection to decision median 14 min',
      '',
      '*rule-based* · prompt `rules-v1`',
      '1 incident · 0 approved · 0 rejected · 1 undecided · approval n/a',
      'wait before fallback median 30.0 s · p95 30.0 s',
      'fallbacks: llm_timeout 1',
    ].join('\n'));
  });

  it('shows the tokens per diagnosis and the answers that tried to steer', () => {
    const withTokens = (prompt: number, completion: number, steering?: string[]) => {
      const r = incident('mistral', { latencyMs: 9000, prompt: 'diagnosis-v2' });
      return { ...r, diagnosis: { ...r.diagnosis, promptTokens: prompt, completionTokens: completion, ...(steering ? { steering } : {}) } };
    };
    const card = computeScorecard([withTokens(1800, 120), withTokens(2200, 180, ['approval_claim']), withTokens(2000, 150), incident('mistral', { prompt: 'diagnosis-v2', latencyMs: 9000 })], { now: '2026-11-05T12:00:00Z' });
    expect(card.rows[0]).toMatchObject({ steered: 1, tokens: { diagnoses: 3, promptMedian: 2000, completionMedian: 150, promptTotal: 6000, completionTotal: 450 } });
    const text = renderScorecard(card);
    expect(text).toContain('tokens per diagnosis: prompt median 2000 · completion median 150 (total 6000 + 450 over 3)');
    expect(text).toContain(':warning: 1 answer tried to steer the decision (confidence capped)');
  });

  it('says so when there is nothing to score', () => {
    expect(renderScorecard(computeScorecard([], { now: '2026-11-05T12:00:00Z' }))).toBe(
      '*Model scorecard* — 0 incidents (as of 2026-11-05)\nNo incidents within retention yet: nothing to score.',
    );
  });

  it('shows a stored time that is not a date escaped, not as a date', () => {
    const text = renderScorecard({ now: '<!here> soon', since: 'yesterday & <@U0EVIL>', incidents: 0, rows: [] });
    expect(text).toBe('*Model scorecard* — 0 incidents since yesterday &amp; &lt;@U0EVIL&gt; (as of &lt;!here&gt; soon)\nNo incidents within retention yet: nothing to score.');
  });

  it('escapes model names and prompt versions from the store', () => {
    const text = renderScorecard(computeScorecard([incident('<!channel> evil & co', { prompt: 'v1`<@U0EVIL>' })], { now: FIRST_SEEN }));
    expect(text).toContain('*&lt;!channel&gt; evil &amp; co* · prompt `v1ˋ&lt;@U0EVIL&gt;`');
    expect(text).not.toMatch(/<[!@]/);
  });

  it('stays within a Slack message for many models', () => {
    const many = Array.from({ length: 60 }, (_, i) => incident(`model-${i}-${'x'.repeat(60)}`, { latencyMs: i }));
    const text = renderScorecard(computeScorecard(many, { now: FIRST_SEEN }));
    expect(text.length).toBeLessThanOrEqual(3500);
    expect(text).toContain('more model/prompt combinations');
  });

  it.each([[850, '850 ms'], [8400, '8.4 s'], [60_000, '1 min'], [14 * 60_000, '14 min'], [95 * 60_000, '95 min'], [3.5 * 3_600_000, '3.5 h'], [47 * 3_600_000, '47.0 h'], [2.25 * 86_400_000, '2.3 d']])('formatDuration(%s)', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
