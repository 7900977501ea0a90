// `kube-ai-sre scan <namespace>` with PROMETHEUS_URL: throttling is judged with the namespace's
// thresholds like a scheduled scan, each report carries its Prometheus signals, and a Prometheus
// that fails leaves the rest of the report. A dump is never sent to Prometheus.
import { describe, expect, it } from 'vitest';
import { createDumpReader } from '../../src/adapters/kubernetes/dump-reader.ts';
import { sha256Hex } from '../../src/adapters/hash.ts';
import { runScanCommand, type CliPrometheus, type ScanCommandDeps } from '../../src/cli/scan-command.ts';
import { detectCpuThrottling } from '../../src/core/detection/cpu-throttling.ts';

import type { Detection, PodSnapshot } from '../../src/core/model.ts';
import { PolicySchema } from '../../src/core/policy/schema.ts';
import { silentLogger } from '../../src/logging.ts';
import { kubeFixture } from '../fixtures/kube/load.ts';

const NOW = new Date('2026-11-28T10:00:00Z');
const dump = { kind: 'List', items: [kubeFixture('pod-oom-recovered-running')] };
const policies = [PolicySchema.parse({ apiVersion: 'kube-ai-sre/v1', kind: 'MemoryPolicy', metadata: { name: 'default' }, spec: { namespaces: ['*'], maxMemoryLimit: '4Gi', approvers: ['U0SREALICE'] } })];

/** The throttling the rule finds for the dump's running container: 80% of periods for 15 minutes at a 500m quota. */
function throttled(pods: PodSnapshot[]): Detection[] {
  const t0 = NOW.getTime() / 1000 - 15 * 60;
  const series = (v: number) => ({ labels: { pod: 'api-5d59d67564-8gq4n', container: 'api' }, points: Array.from({ length: 16 }, (_, i) => ({ t: t0 + i * 60, v })) });
  return detectCpuThrottling(pods, {
    throttledPeriods: [series(2400)], periods: [series(3000)],
    limitCores: [{ labels: { pod: 'api-5d59d67564-8gq4n', container: 'api' }, points: [{ t: t0, v: 0.5 }] }],
    usageCores: [{ labels: { pod: 'api-5d59d67564-8gq4n', container: 'api' }, points: [{ t: t0, v: 0.49 }] }],
  }, { thresholdRatio: 0.25, sustainedMinutes: 15, stepSeconds: 60 });
}

function run(argv: string[], prometheus: CliPrometheus | undefined) {
  const out: string[] = [];
  const err: string[] = [];
  const asked: string[] = [];
  const deps: ScanCommandDeps = {
    stdout: (t) => out.push(t), stderr: (t) => err.push(t),
    readFile: async () => JSON.stringify(dump),
    liveCluster: () => createDumpReader(dump),
    dumpCluster: createDumpReader,
    llm: () => { throw new Error('no LLM in this test'); },
    llmHost: 'http://127.0.0.1:9',
    policies: async () => policies,
    logger: silentLogger, clock: { now: () => NOW }, hash: sha256Hex,
    logLimits: { tailLines: 50, limitBytes: 16_384 },
    prometheus: async () => {
      asked.push('prometheus');
      return prometheus;
    },
  };
  return runScanCommand(argv, deps).then((code) => ({ code, out: out.join('\n'), err: err.join('\n'), asked }));
}

describe('kube-ai-sre scan with Prometheus', () => {
  const signals: CliPrometheus['signals'] = async (d) => ({
    source: 'prometheus', windowMinutes: 10, at: NOW.toISOString(),
    signals: [{ id: 'cpu_throttling', scope: 'container', level: 'warning', text: `CPU throttled 80% of periods in the 10 min before the ${d.kind === 'OOMKilled' ? 'OOM' : 'incident'}`, value: 0.8 }],
  });

  it('judges CPU throttling and correlates signals on a live scan', async () => {
    const res = await run(['shop', '--json', '--no-llm'], { signals, throttling: async (_ns, pods) => ({ judged: true, detections: throttled(pods) }) });
    expect(res.code).toBe(1);
    const incidents = (JSON.parse(res.out) as { incidents: Array<Record<string, unknown>> }).incidents;
    expect(incidents.map((i) => [i.kind, i.family]).sort()).toEqual([['CpuThrottling', 'cpu'], ['OOMKilled', 'memory']]);
    const cpu = incidents.find((i) => i.kind === 'CpuThrottling')!;
    expect(cpu.recommendation).toMatchObject({ resource: 'cpu', rule: 'cpu-throttling-demand' });
    const oom = incidents.find((i) => i.kind === 'OOMKilled')!;
    expect(oom.signals).toEqual([expect.objectContaining({ id: 'cpu_throttling', text: 'CPU throttled 80% of periods in the 10 min before the OOM' })]);
  });

  it('shows the signals in the text report', async () => {
    const res = await run(['shop', '--no-llm'], { signals });
    expect(res.out).toContain('Signals (Prometheus):\n  ! CPU throttled 80% of periods in the 10 min before the OOM');
  });

  it('says when throttling could not be judged and still reports the rest', async () => {
    const res = await run(['shop', '--json', '--no-llm'], { throttling: async () => ({ judged: false, reason: 'prometheus_unreachable' }) });
    expect(res.code).toBe(1);
    expect(res.err).toContain('CPU throttling in shop not judged: Prometheus failed (prometheus_unreachable)');
    expect((JSON.parse(res.out) as { incidents: Array<{ kind: string }> }).incidents.map((i) => i.kind)).toEqual(['OOMKilled']);
  });

  it('never asks Prometheus about a dump', async () => {
    const res = await run(['--from-file', 'dump.json', '--json', '--no-llm'], { signals, throttling: async (_ns, pods) => ({ judged: true, detections: throttled(pods) }) });
    expect(res.asked).toEqual([]);
    expect((JSON.parse(res.out) as { incidents: Array<{ kind: string; signals: unknown[] }> }).incidents.map((i) => [i.kind, i.signals])).toEqual([['OOMKilled', []]]);
  });
});

