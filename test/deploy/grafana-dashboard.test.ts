// The chart's Grafana dashboard (charts/kube-ai-sre-agent/dashboards/kube-ai-sre-agent.json): it shows
// incidents by family and kind, detection and LLM latency, fallbacks, decisions and queue depth; every panel's PromQL parses with promtool (Prometheus's own parser, as its
// query API would), and every query selects only series the agent exports, with their real labels.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { exportedSeries, seriesProblems } from './agent-series.ts';
import { findPromtool, readRepoFile } from './repo-files.ts';
import { describeWithTools } from './tool-suites.ts';

interface Target {
  expr: string;
  refId: string;
  legendFormat?: string;
}
interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { h: number; w: number; x: number; y: number };
  targets?: Target[];
  datasource?: { type: string; uid: string };
}
interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: Array<{ name: string; type: string; query: unknown }> };
}

const dashboard = JSON.parse(readRepoFile('charts/kube-ai-sre-agent/dashboards/kube-ai-sre-agent.json')) as Dashboard;
const panels = dashboard.panels.filter((p) => p.type !== 'row');
const queries = panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, ...t })));

/** Grafana's variables replaced by what they expand to, so Prometheus's parser can read the query. */
function expand(expr: string): string {
  return expr
    .replaceAll('$__rate_interval', '2m')
    .replaceAll('$__range', '6h')
    .replaceAll('$__interval', '1m')
    .replaceAll('$namespace', 'kube-ai-sre')
    .replaceAll('$job', 'kube-ai-sre-agent');
}

describe('Grafana dashboard', () => {
  it('is one dashboard with a stable uid, a Prometheus data source variable and namespace/job variables', () => {
    expect(dashboard.uid).toBe('kube-ai-sre-agent');
    const variables = Object.fromEntries(dashboard.templating.list.map((v) => [v.name, v]));
    expect(variables.datasource).toMatchObject({ type: 'datasource', query: 'prometheus' });
    expect(variables.namespace?.type).toBe('query');
    expect(variables.job?.type).toBe('query');
    for (const p of panels) expect(p.datasource, p.title).toEqual({ type: 'prometheus', uid: '${datasource}' });
  });

  it.each([
    ['incidents by family and kind', /incidents detected by family and kind/i, /sum by \(family, kind\)/],
    ['detection latency', /detection latency/i, /kube_ai_sre_detection_latency_seconds_bucket/],
    ['LLM latency', /llm latency/i, /kube_ai_sre_llm_latency_seconds_bucket/],
    ['LLM fallbacks', /llm fallbacks by reason/i, /kube_ai_sre_llm_fallbacks_total/],
    ['decisions', /decisions/i, /kube_ai_sre_decisions_total/],
    ['queue depth', /queue depth/i, /kube_ai_sre_queue_depth/],
  ])('shows %s', (_what, title, expr) => {
    const panel = panels.find((p) => title.test(p.title));
    expect(panel, String(title)).toBeDefined();
    expect(panel!.targets!.some((t) => expr.test(t.expr))).toBe(true);
  });

  it('every panel has a query, unique ids, and fits the 24-column grid without overlapping another', () => {
    for (const p of panels) expect(p.targets?.length, p.title).toBeGreaterThan(0);
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const cells = new Set<string>();
    for (const p of dashboard.panels) {
      expect(p.gridPos.x + p.gridPos.w, p.title).toBeLessThanOrEqual(24);
      for (let x = p.gridPos.x; x < p.gridPos.x + p.gridPos.w; x++) {
        for (let y = p.gridPos.y; y < p.gridPos.y + p.gridPos.h; y++) {
          expect(cells.has(`${x},${y}`), `${p.title} overlaps at ${x},${y}`).toBe(false);
          cells.add(`${x},${y}`);
        }
      }
    }
  });

  it('every query selects only series the agent exports, scoped to the chosen namespace and job', async () => {
    const exported = await exportedSeries();
    expect(queries.flatMap((q) => seriesProblems(q.expr, exported).map((p) => `${q.panel} ${q.refId}: ${p}`))).toEqual([]);
    for (const q of queries) expect(q.expr, q.panel).toContain('job=~"$job", namespace=~"$namespace"');
  });
});

describeWithTools('Grafana dashboard queries with promtool', [findPromtool()], () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dashboard-promql-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const check = async (exprs: Array<{ record: string; expr: string }>): Promise<{ code: number; output: string }> => {
    // Each query as a recording rule: promtool check rules parses it with Prometheus's PromQL parser.
    await writeFile(join(dir, 'panels.yaml'), stringify({ groups: [{ name: 'dashboard', rules: exprs }] }));
    return new Promise((resolve, reject) => {
      execFile(findPromtool().path, ['check', 'rules', 'panels.yaml'], { cwd: dir }, (err, stdout, stderr) => {
        if (err && typeof err.code !== 'number') return reject(err);
        resolve({ code: err ? (err.code as number) : 0, output: stdout + stderr });
      });
    });
  };

  it(`every panel query (${queries.length}) parses as PromQL`, async () => {
    const result = await check(queries.map((q, i) => ({ record: `dashboard:query_${i}`, expr: expand(q.expr) })));
    expect(result.output).toContain(`SUCCESS: ${queries.length} rules found`);
    expect(result.code).toBe(0);
  });

  it('and a broken query is refused, so the check can fail', async () => {
    const result = await check([{ record: 'dashboard:broken', expr: 'sum by (kind (rate(kube_ai_sre_incidents_detected_total[5m]))' }]);
    expect(result.code).not.toBe(0);
  });
});
