// The chart's alert rules with the real promtool: `promtool check rules` on the rendered group and
// `promtool test rules` over alert-rules.promtool.yaml, where every alert has a case that fires it on
// synthetic series and one that stays silent on healthy ones. The rules select only series the agent
// exports, and each alert carries a summary, a description and a runbook.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { exportedSeries, seriesProblems } from './agent-series.ts';
import { renderChart, type RenderOptions } from './chart.ts';
import { findHelm, findPromtool, readRepoFile } from './repo-files.ts';
import { describeWithTools } from './tool-suites.ts';

interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}
interface RuleGroup {
  name: string;
  rules: Rule[];
}
interface PromtoolTests {
  rule_files: string[];
  tests: Array<{ name: string; alert_rule_test: Array<{ alertname: string; exp_alerts: Array<{ exp_annotations: Record<string, string> }> }> }>;
}

const CASES = 'test/deploy/alert-rules.promtool.yaml';
/** The alerts on the bot's own health. */
const EXPECTED_ALERTS = [
  'KubeAiSreAgentDown', 'KubeAiSreAgentNotReady', 'KubeAiSreLlmFallbacks', 'KubeAiSreSlackApiErrors', 'KubeAiSreSlackRateLimited',
  'KubeAiSreQueueBacklog', 'KubeAiSreQueueWaitHigh', 'KubeAiSreWatchRestarting', 'KubeAiSreScansFailing', 'KubeAiSreDecisionsFailing',
  'KubeAiSreAuditAppendFailing', 'KubeAiSreAuditUnreplicated',
];

function promtool(args: string[], cwd: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    execFile(findPromtool().path, args, { cwd, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number') return reject(err);
      resolve({ code: err ? (err.code as number) : 0, output: stdout + stderr });
    });
  });
}

async function ruleGroups(opts: RenderOptions = {}): Promise<RuleGroup[]> {
  const objects = await renderChart({ ...opts, set: ['prometheusRule.enabled=true', ...(opts.set ?? [])] });
  const rule = objects.find((o) => o.kind === 'PrometheusRule') as unknown as { spec: { groups: RuleGroup[] } };
  return rule.spec.groups;
}

describeWithTools('alert rules (PrometheusRule) with promtool', [findHelm(), findPromtool()], () => {
  let dir: string;
  let groups: RuleGroup[];
  let rules: Rule[];
  const cases = parse(readRepoFile(CASES)) as PromtoolTests;

  /** Writes rules.yaml and the cases (with each alert's runbook added) into the work folder; runs promtool test rules (only the groups matching `run`). */
  async function testRules(withGroups: RuleGroup[], run?: string): Promise<{ code: number; output: string }> {
    await writeFile(join(dir, 'rules.yaml'), stringify({ groups: withGroups }));
    const runbooks = new Map(withGroups.flatMap((g) => g.rules).map((r) => [r.alert, r.annotations.runbook]));
    const completed = structuredClone(cases);
    for (const t of completed.tests) {
      for (const check of t.alert_rule_test) for (const e of check.exp_alerts) e.exp_annotations = { ...e.exp_annotations, runbook: runbooks.get(check.alertname)! };
    }
    await writeFile(join(dir, 'tests.yaml'), stringify(completed, { lineWidth: 0 }));
    return promtool(['test', 'rules', ...(run ? ['--run', run] : []), 'tests.yaml'], dir);
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'alert-rules-'));
    groups = await ruleGroups();
    rules = groups.flatMap((g) => g.rules);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('has one alert for each health signal of the bot', () => {
    expect(rules.map((r) => r.alert)).toEqual(EXPECTED_ALERTS);
  });

  it('promtool check rules accepts the rendered group', async () => {
    await writeFile(join(dir, 'check.yaml'), stringify({ groups }));
    const result = await promtool(['check', 'rules', 'check.yaml'], dir);
    expect(result.output).toContain(`SUCCESS: ${EXPECTED_ALERTS.length} rules found`);
    expect(result.code).toBe(0);
  });

  it('promtool check rules accepts the rules rendered with the monitoring values too', async () => {
    const withValues = await ruleGroups({ values: ['charts/kube-ai-sre-agent/ci/monitoring-values.yaml'] });
    await writeFile(join(dir, 'check-monitoring.yaml'), stringify({ groups: withValues }));
    const result = await promtool(['check', 'rules', 'check-monitoring.yaml'], dir);
    expect(result.code, result.output).toBe(0);
    for (const r of withValues.flatMap((g) => g.rules)) {
      expect(r.labels.team).toBe('sre');
      expect(r.annotations.runbook_url).toBe(`https://runbooks.example.com/kube-ai-sre#${r.alert.toLowerCase()}`);
    }
  });

  it(`promtool test rules passes every case in ${CASES}`, async () => {
    const result = await testRules(groups);
    expect(result.output).toContain('SUCCESS');
    expect(result.code, result.output).toBe(0);
  });

  it('every alert has a case that fires it and a case where it stays silent', () => {
    for (const alert of EXPECTED_ALERTS) {
      const checks = cases.tests.flatMap((t) => t.alert_rule_test).filter((c) => c.alertname === alert);
      expect(checks.some((c) => c.exp_alerts.length > 0), `${alert} fires somewhere`).toBe(true);
      expect(checks.some((c) => c.exp_alerts.length === 0), `${alert} stays silent somewhere`).toBe(true);
    }
  });

  it('promtool test rules fails when a threshold moves, so the cases really pin the rules', async () => {
    const shifted = await ruleGroups({ set: ['prometheusRule.thresholds.slackErrors=4'] });
    const result = await testRules(shifted, '^Slack API errors$');
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('alertname: KubeAiSreSlackApiErrors');
  });

  it('every alert has a severity, a summary, a description and a runbook of steps', () => {
    for (const r of rules) {
      expect(['critical', 'warning'], r.alert).toContain(r.labels.severity);
      expect(r.annotations.summary, r.alert).toMatch(/\S/);
      expect(r.annotations.description, r.alert).toMatch(/\S/);
      expect(r.annotations.runbook, r.alert).toMatch(/(^|\n)1\. /);
    }
  });

  it('the rules select only series the agent exports (plus up and kube-state-metrics), with their real labels', async () => {
    const exported = await exportedSeries();
    expect(rules.flatMap((r) => seriesProblems(r.expr, exported).map((p) => `${r.alert}: ${p}`))).toEqual([]);
  });

  it('the series check catches a misspelt metric or label', async () => {
    const exported = await exportedSeries();
    expect(seriesProblems('sum(rate(kube_ai_sre_scan_total{job="x"}[5m]))', exported)).toEqual([expect.stringContaining('kube_ai_sre_scan_total: not a series')]);
    expect(seriesProblems('sum by (severity) (kube_ai_sre_incidents_detected_total{job="x"})', exported)).toEqual(['by (severity): no selected series has that label']);
    expect(seriesProblems('kube_ai_sre_scans_total{job="x", outcom="error"}', exported)).toEqual([expect.stringContaining('has no label outcom')]);
  });

  it('without kube-state-metrics the not-ready alert is left out', async () => {
    const without = (await ruleGroups({ set: ['prometheusRule.kubeStateMetrics=false'] })).flatMap((g) => g.rules).map((r) => r.alert);
    expect(without).toEqual(EXPECTED_ALERTS.filter((a) => a !== 'KubeAiSreAgentNotReady'));
  });
});
