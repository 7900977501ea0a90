import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../../src/adapters/http/metrics.ts';

const NAMES = [
  'scans_total',
  'scan_duration_seconds',
  'incidents_detected_total',
  'incidents_open',
  'llm_calls_total',
  'llm_latency_seconds',
  'llm_fallbacks_total',
  'slack_api_errors_total',
  'slack_rate_limited_total',
  'queue_depth',
  'queue_wait_seconds',
  'decisions_total',
  'watch_restarts_total',
  'detection_latency_seconds',
];

describe('createMetrics', () => {
  it('declares every metric with the kube_ai_sre_ prefix, plus process metrics', async () => {
    const text = await createMetrics().scrape();
    for (const name of NAMES) expect(text).toContain(`# TYPE kube_ai_sre_${name} `);
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).toContain('nodejs_heap_size_used_bytes');
  });

  it('leaves process metrics out when asked', async () => {
    const text = await createMetrics({ defaultMetrics: false }).scrape();
    expect(text).not.toContain('process_cpu_user_seconds_total');
    expect(text).toContain('kube_ai_sre_scans_total');
  });

  it('keeps separate registries apart (no global state)', async () => {
    const a = createMetrics({ defaultMetrics: false });
    const b = createMetrics({ defaultMetrics: false });
    a.scansTotal.inc({ namespace: 'demo', trigger: 'command', outcome: 'ok' });
    expect(await a.scrape()).toContain('kube_ai_sre_scans_total{namespace="demo",trigger="command",outcome="ok"} 1');
    expect(await b.scrape()).not.toContain('namespace="demo"');
  });

  it('records counters, gauges and histograms with their labels', async () => {
    const m = createMetrics({ defaultMetrics: false });
    m.incidentsDetectedTotal.inc({ kind: 'oom_killed', family: 'memory', source: 'watch' }, 2);
    m.llmCallsTotal.inc({ model: 'mistral', outcome: 'llm_timeout' });
    m.llmLatencySeconds.observe({ model: 'mistral' }, 7);
    m.slackRateLimitedTotal.inc({ method: 'chat.postMessage' });
    m.decisionsTotal.inc({ action: 'approve', outcome: 'recorded' });
    m.incidentsOpen.set(3);
    m.detectionLatencySeconds.observe(42);
    const end = m.queueWaitSeconds.startTimer({ queue: 'analyze' });
    end();
    const text = await m.scrape();
    expect(text).toContain('kube_ai_sre_incidents_detected_total{kind="oom_killed",family="memory",source="watch"} 2');
    expect(text).toContain('kube_ai_sre_llm_calls_total{model="mistral",outcome="llm_timeout"} 1');
    expect(text).toContain('kube_ai_sre_llm_latency_seconds_bucket{le="10",model="mistral"} 1');
    expect(text).toContain('kube_ai_sre_llm_latency_seconds_bucket{le="5",model="mistral"} 0');
    expect(text).toContain('kube_ai_sre_slack_rate_limited_total{method="chat.postMessage"} 1');
    expect(text).toContain('kube_ai_sre_decisions_total{action="approve",outcome="recorded"} 1');
    expect(text).toContain('kube_ai_sre_incidents_open 3');
    expect(text).toContain('kube_ai_sre_detection_latency_seconds_count 1');
    expect(text).toContain('kube_ai_sre_queue_wait_seconds_count{queue="analyze"} 1');
  });

  it('reads queue depth from the registered source on every scrape, dropping vanished series', async () => {
    const m = createMetrics({ defaultMetrics: false });
    let samples = [
      { queue: 'analyze', state: 'waiting', count: 4 },
      { queue: 'analyze', state: 'active', count: 1 },
    ];
    m.setQueueDepthSource(async () => samples);
    let text = await m.scrape();
    expect(text).toContain('kube_ai_sre_queue_depth{queue="analyze",state="waiting"} 4');
    expect(text).toContain('kube_ai_sre_queue_depth{queue="analyze",state="active"} 1');
    samples = [{ queue: 'analyze', state: 'waiting', count: 0 }];
    text = await m.scrape();
    expect(text).toContain('kube_ai_sre_queue_depth{queue="analyze",state="waiting"} 0');
    expect(text).not.toContain('state="active"');
  });

  it('still answers a scrape when a source fails or hangs, and reports why', async () => {
    const errors: string[] = [];
    const m = createMetrics({
      defaultMetrics: false,
      sourceTimeoutMs: 20,
      onSourceError: (source, err) => errors.push(`${source}: ${(err as Error).message}`),
    });
    m.setQueueDepthSource(async () => {
      throw new Error('redis down');
    });
    m.setOpenIncidentsSource(() => new Promise<number>(() => {}));
    const text = await m.scrape();
    expect(text).toContain('# TYPE kube_ai_sre_queue_depth gauge');
    expect(text).not.toMatch(/kube_ai_sre_queue_depth\{/);
    expect(errors.sort()).toEqual(['incidents_open: open incidents timed out after 20 ms', 'queue_depth: redis down']);
  });

  it('reads incidents_open from the store when a source is registered', async () => {
    const m = createMetrics({ defaultMetrics: false });
    m.setOpenIncidentsSource(async () => 5);
    expect(await m.scrape()).toContain('kube_ai_sre_incidents_open 5');
  });

  it('exposes the Prometheus text content type', () => {
    expect(createMetrics({ defaultMetrics: false }).contentType).toMatch(/^text\/plain; version=0\.0\.4/);
  });
});
